package dev.composefs.nio;

import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code Files.readAttributes(path, "view:a,b")}: the attribute-string grammar and the attributes of
 * each view by name. No view prefix means {@code basic}; {@code *} means all of the view's
 * attributes (a view includes those of the views it extends: posix ⊃ basic + owner, unix ⊃ posix).
 * An unknown view is an {@link UnsupportedOperationException}, an unknown attribute an
 * {@link IllegalArgumentException}, as in the JDK.
 */
final class AttributeMaps {
    private static final List<String> BASIC = List.of("lastModifiedTime", "lastAccessTime", "creationTime", "size",
            "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
    private static final List<String> OWNER = List.of("owner");
    private static final List<String> POSIX = List.of("permissions", "group");
    private static final List<String> UNIX = List.of("dev", "ino", "mode", "nlink", "uid", "gid", "rdev", "ctime");
    private static final List<String> COMPOSEFS = List.of("backingPath", "digest", "inline");

    private AttributeMaps() {
    }

    static Map<String, Object> read(CfsPath path, String attributes, boolean follow) throws IOException {
        int colon = attributes.indexOf(':');
        String view = colon < 0 ? "basic" : attributes.substring(0, colon);
        String names = colon < 0 ? attributes : attributes.substring(colon + 1);
        // Only the first ':' separates: "user:a:b" names the xattr user.a:b, as in the JDK; in the
        // other views a name with ':' is unknown (IllegalArgumentException below).
        if (view.isEmpty()) {
            throw new IllegalArgumentException("no view named before ':' in '" + attributes + "'");
        }
        if (!AttributeViews.NAMES.contains(view)) {
            throw new UnsupportedOperationException("view '" + view + "' is not available");
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no attributes named in '" + attributes + "'");
        }
        // Trailing empty names are dropped ("unix:*," is accepted), as the JDK's providers do.
        String[] wanted = names.split(",");
        Map<String, Object> out = new LinkedHashMap<>();
        switch (view) {
            case "user" -> readXattrs(path, follow, wanted, "user.", out);
            case "xattr" -> readXattrs(path, follow, wanted, "", out);
            case "composefs" -> readComposefs(path, follow, wanted, out);
            default -> readStat(path, follow, view, wanted, out);
        }
        return out;
    }

    private static List<List<String>> groups(String view) {
        return switch (view) {
            case "basic" -> List.of(BASIC);
            case "owner" -> List.of(OWNER);
            case "posix" -> List.of(BASIC, OWNER, POSIX);
            case "unix" -> List.of(BASIC, OWNER, POSIX, UNIX);
            default -> throw new AssertionError(view);
        };
    }

    private static void readStat(CfsPath path, boolean follow, String view, String[] wanted, Map<String, Object> out)
            throws IOException {
        List<List<String>> groups = groups(view);
        for (String w : wanted) {
            if (!w.equals("*") && groups.stream().noneMatch(g -> g.contains(w))) {
                throw new IllegalArgumentException("'" + w + "' is not an attribute of view '" + view + "'");
            }
        }
        CfsFileAttributes a = path.getFileSystem().attributes(path, follow);
        for (List<String> g : groups) {
            for (String name : g) {
                if (contains(wanted, name)) {
                    out.put(name, value(path, a, name));
                }
            }
        }
    }

    private static boolean contains(String[] wanted, String name) {
        for (String w : wanted) {
            if (w.equals("*") || w.equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static Object value(CfsPath path, CfsFileAttributes a, String name) {
        return switch (name) {
            case "lastModifiedTime" -> a.lastModifiedTime();
            case "lastAccessTime" -> a.lastAccessTime();
            case "creationTime" -> a.creationTime();
            case "size" -> a.size();
            case "isRegularFile" -> a.isRegularFile();
            case "isDirectory" -> a.isDirectory();
            case "isSymbolicLink" -> a.isSymbolicLink();
            case "isOther" -> a.isOther();
            case "fileKey" -> a.fileKey();
            case "owner" -> a.owner();
            case "permissions" -> a.permissions();
            case "group" -> a.group();
            case "dev" -> path.getFileSystem().deviceId();
            case "ino" -> a.inode();
            case "mode" -> a.mode();
            case "nlink" -> (int) Math.min(a.nlink(), Integer.MAX_VALUE);
            case "uid" -> (int) a.uid();
            case "gid" -> (int) a.gid();
            case "rdev" -> a.rdev();
            case "ctime" -> a.changeTime();
            default -> throw new AssertionError(name);
        };
    }

    private static void readXattrs(CfsPath path, boolean follow, String[] wanted, String prefix, Map<String, Object> out)
            throws IOException {
        List<Xattr> xattrs = path.getFileSystem().xattrs(path, follow);
        for (String w : wanted) {
            if (w.equals("*")) {
                for (Xattr x : xattrs) {
                    String n = x.name().toString();
                    if (n.startsWith(prefix)) {
                        out.put(n.substring(prefix.length()), x.value());
                    }
                }
            } else {
                out.put(w, AttributeViews.Xattrs.find(path, follow, prefix + w).value());
            }
        }
    }

    private static void readComposefs(CfsPath path, boolean follow, String[] wanted, Map<String, Object> out)
            throws IOException {
        for (String w : wanted) {
            if (!w.equals("*") && !COMPOSEFS.contains(w)) {
                throw new IllegalArgumentException("'" + w + "' is not an attribute of view 'composefs'");
            }
        }
        ComposefsAttributes c = new AttributeViews.Composefs(path, follow).readAttributes();
        if (contains(wanted, "backingPath")) {
            out.put("backingPath", c.backingPath());
        }
        if (contains(wanted, "digest")) {
            out.put("digest", c.expectedDigest() == null ? null : c.expectedDigest().toString());
        }
        if (contains(wanted, "inline")) {
            out.put("inline", c.inline());
        }
    }
}
