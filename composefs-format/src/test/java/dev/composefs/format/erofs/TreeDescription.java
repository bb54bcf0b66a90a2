package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A canonical text form of a tree for structural comparison: one line per path in dump order with
 * every attribute a composefs image keeps, xattrs sorted, and hard links named by the first path of
 * their inode. Directory sizes are left out (formats compute their own). Two trees are equal as
 * composefs stores them iff their descriptions are equal, and a failing comparison shows the paths.
 */
final class TreeDescription {
    private TreeDescription() {
    }

    static String describe(Tree tree) {
        StringBuilder sb = new StringBuilder();
        Map<Inode, String> first = new IdentityHashMap<>();
        tree.walk((path, n) -> {
            String p = quote(path);
            String link = first.putIfAbsent(n, p);
            sb.append(p);
            if (link != null) {
                sb.append(" => ").append(link).append('\n');
                return;
            }
            sb.append(' ').append(Integer.toOctalString(n.mode())).append(" nlink=").append(n.nlink())
                    .append(" uid=").append(n.uid()).append(" gid=").append(n.gid()).append(" rdev=").append(n.rdev());
            if (n.type() != FileType.DIRECTORY) {
                sb.append(" size=").append(n.size());
            }
            sb.append(" mtime=").append(n.mtime()).append(" ctime=").append(n.ctime())
                    .append(" digest=").append(n.digest())
                    .append(" payload=").append(n.payload() == null ? "-" : quote(n.payload()))
                    .append(" content=").append(n.content() == null ? "-" : HexFormat.of().formatHex(n.content()));
            List<Xattr> xattrs = new ArrayList<>(n.xattrs());
            xattrs.sort(null);
            sb.append(" xattrs=").append(xattrs).append('\n');
        });
        return sb.toString();
    }

    private static String quote(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            if (x > ' ' && x < 0x7f && x != '\\') {
                sb.append((char) x);
            } else {
                sb.append(String.format("\\x%02x", x & 0xff));
            }
        }
        return sb.toString();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
