package dev.composefs.nio;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The same tree three times: materialized on disk, and as a descriptor and an EROFS image sharing an object store, for
 * differential tests with the JDK's default provider as the oracle.
 *
 * <p>What cannot be put on disk faithfully is adjusted in the tree first, so both sides hold the same
 * thing: regular files get synthetic content of their size capped at {@code contentCap} bytes (the
 * tree's size, backing path and digest are set to match); names that are not valid UTF-8 are left out
 * (the default provider makes paths from strings); devices, fifos and sockets are left out; xattrs other
 * than {@code user.*} (which need privileges to set) are dropped, and symlinks keep none; nlink of non-directories is the number of names. Absolute symlink targets stay absolute in
 * the image (which resolves them at the image root) but are written relative on disk (which would
 * resolve them at the host's root): resolution must agree, only {@code readSymbolicLink} differs, and
 * {@link #imageTargets} records what the image says.
 */
final class DiskMirror {
    /** The tree's root on disk. */
    final Path root;
    /** The image, descriptor format. */
    final Path image;
    /** The same tree as an EROFS image. */
    final Path erofsImage;
    /** The object store of the image. */
    final Path objects;
    /** Symlinks written with another target on disk (by relative path): their target in the image. */
    final Map<String, String> imageTargets = new HashMap<>();
    /** Whether symlink times could be set on disk. */
    boolean symlinkTimes = true;

    private final int contentCap;
    private final Map<FsVerityDigest, Boolean> stored = new HashMap<>();
    private final IdentityHashMap<Inode, Path> written = new IdentityHashMap<>();
    private final IdentityHashMap<Inode, Integer> names = new IdentityHashMap<>();
    private final List<Map.Entry<Path, Inode>> metadata = new ArrayList<>();

    private DiskMirror(Path dir, int contentCap) {
        this.root = dir.resolve("root");
        this.image = dir.resolve("image.cfs");
        this.erofsImage = dir.resolve("image.erofs");
        this.objects = dir.resolve("objects");
        this.contentCap = contentCap;
    }

    /** Materializes {@code tree} under {@code dir} (which must be empty), adjusting it, and writes its image. */
    static DiskMirror of(Tree tree, Path dir, int contentCap) throws IOException {
        DiskMirror m = new DiskMirror(dir, contentCap);
        Files.createDirectories(m.objects);
        m.prune(tree.root());
        m.count(tree.root());
        Files.createDirectory(m.root);
        m.materialize(tree.root(), m.root, 0);
        m.setMetadata();
        m.set(m.root, tree.root());
        DescriptorWriter.write(tree, m.image);
        new dev.composefs.format.erofs.ErofsWriter().write(tree, m.erofsImage);
        return m;
    }

    /** The content a file of {@code size} bytes at {@code path} gets: deterministic, capped. */
    static byte[] content(String path, long size, int cap) {
        byte[] b = new byte[(int) Math.min(size, cap)];
        int h = path.hashCode();
        for (int i = 0; i < b.length; i++) {
            h = h * 31 + i;
            b[i] = (byte) (h ^ (h >>> 13));
        }
        return b;
    }

    private static boolean utf8(byte[] name) {
        return Arrays.equals(name, new String(name, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
    }

    private void prune(Inode dir) {
        for (Name n : new ArrayList<>(dir.children().keySet())) {
            Inode child = dir.child(n);
            FileType t = child.type();
            boolean keep = utf8(n.bytes()) && (t == FileType.DIRECTORY || t == FileType.REGULAR || t == FileType.SYMLINK);
            if (!keep) {
                dir.removeChild(n);
            } else {
                keepUserXattrs(child);
                if (child.isDirectory()) {
                    prune(child);
                }
            }
        }
        keepUserXattrs(dir);
    }

    /** Only user.* xattrs can be set without privileges (and not on symlinks): the others are dropped. */
    private static void keepUserXattrs(Inode inode) {
        inode.xattrs().removeIf(x -> inode.type() == FileType.SYMLINK || !x.name().toString().startsWith("user.")
                || !utf8(x.name().bytes()));
    }

    private static void writeXattrs(Path p, Inode inode) throws IOException {
        if (inode.xattrs().isEmpty()) {
            return;
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        for (Xattr x : inode.xattrs()) {
            view.write(x.name().toString().substring("user.".length()), ByteBuffer.wrap(x.value()));
        }
    }

    private void count(Inode dir) {
        for (Inode child : dir.children().values()) {
            names.merge(child, 1, Integer::sum);
            if (child.isDirectory() && names.get(child) == 1) {
                count(child);
            }
        }
    }

    private void materialize(Inode dir, Path at, int depth) throws IOException {
        for (Map.Entry<Name, Inode> e : dir.children().entrySet()) {
            Inode inode = e.getValue();
            Path p = at.resolve(new String(e.getKey().bytes(), StandardCharsets.UTF_8));
            String rel = root.relativize(p).toString();
            Path first = written.get(inode);
            if (first != null) {
                Files.createLink(p, first);
                continue;
            }
            written.put(inode, p);
            switch (inode.type()) {
                case DIRECTORY -> {
                    Files.createDirectory(p);
                    materialize(inode, p, depth + 1);
                }
                case REGULAR -> {
                    byte[] bytes = content(rel, inode.size(), contentCap);
                    Files.write(p, bytes);
                    inode.content(null).size(bytes.length).nlink(names.get(inode));
                    if (bytes.length == 0) {
                        inode.payload(null).digest(null);
                    } else {
                        FsVerityDigest d = FsVerityHasher.digest(bytes);
                        inode.payload(d.objectPath().getBytes(StandardCharsets.US_ASCII)).digest(d);
                        if (stored.putIfAbsent(d, Boolean.TRUE) == null) {
                            Path obj = objects.resolve(d.objectPath());
                            Files.createDirectories(obj.getParent());
                            Files.write(obj, bytes);
                        }
                    }
                }
                case SYMLINK -> {
                    String target = new String(inode.payload(), StandardCharsets.UTF_8);
                    String onDisk = target;
                    if (target.startsWith("/")) {
                        onDisk = "../".repeat(depth) + target.replaceFirst("^/+", "");
                        if (onDisk.isEmpty()) {
                            onDisk = ".";
                        }
                        imageTargets.put(rel, Path.of(target).toString());
                    }
                    Files.createSymbolicLink(p, Path.of(onDisk));
                    inode.nlink(names.get(inode));
                }
                default -> throw new AssertionError(inode.type());
            }
            writeXattrs(p, inode);
            metadata.add(Map.entry(p, inode));
        }
    }

    /** Owners, modes and times, children before parents (so creating entries does not touch a set mtime). */
    private void setMetadata() throws IOException {
        for (int i = metadata.size() - 1; i >= 0; i--) {
            set(metadata.get(i).getKey(), metadata.get(i).getValue());
        }
    }

    private void set(Path p, Inode inode) throws IOException {
        FileTime mtime = FileTime.from(Instant.ofEpochSecond(inode.mtime().seconds(), Integer.toUnsignedLong(inode.mtime().nanos())));
        if (inode.type() == FileType.SYMLINK) {
            try {
                Files.setAttribute(p, "unix:uid", (int) inode.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", (int) inode.gid(), LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.FileSystemException notRoot) {
                inode.uid(Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)));
                inode.gid(Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS)));
            }
            try {
                Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(mtime, null, null);
            } catch (IOException | UnsupportedOperationException e) {
                symlinkTimes = false;
            }
            return;
        }
        try {
            Files.setAttribute(p, "unix:uid", (int) inode.uid());
            Files.setAttribute(p, "unix:gid", (int) inode.gid());
        } catch (java.nio.file.FileSystemException notRoot) {
            // Without the right to give files away, the tree takes the owner the file has.
            inode.uid(Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:uid")));
            inode.gid(Integer.toUnsignedLong((Integer) Files.getAttribute(p, "unix:gid")));
        }
        Files.setAttribute(p, "unix:mode", inode.mode() & 07777);
        // The kernel may refuse set-group-ID for a group the caller is not in: take what was set.
        inode.mode((inode.mode() & ~07777) | ((Integer) Files.getAttribute(p, "unix:mode") & 07777));
        Files.setLastModifiedTime(p, mtime);
    }
}
