package dev.composefs.format.testutil;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A complete, canonical text form of a tree, one line per path, for comparing trees in tests: every
 * field of every inode, hard links shown by a shared inode number.
 */
public final class TreeText {
    private TreeText() {
    }

    /** Every field. */
    public static String of(Tree tree) {
        return of(tree, true);
    }

    /** Every field, ctime only if {@code withCtime}. */
    public static String of(Tree tree, boolean withCtime) {
        StringBuilder sb = new StringBuilder();
        Map<Inode, Integer> ids = new IdentityHashMap<>();
        tree.walk((path, inode) -> {
            Integer id = ids.computeIfAbsent(inode, k -> ids.size());
            sb.append(escape(path)).append(" #").append(id)
                    .append(' ').append(Integer.toOctalString(inode.mode()))
                    .append(" nlink=").append(inode.nlink())
                    .append(' ').append(inode.uid()).append(':').append(inode.gid())
                    .append(" rdev=").append(inode.rdev())
                    .append(" size=").append(inode.size())
                    .append(" mtime=").append(inode.mtime());
            if (withCtime) {
                sb.append(" ctime=").append(inode.ctime());
            }
            sb.append(" payload=").append(inode.payload() == null ? "-" : escape(inode.payload()))
                    .append(" digest=").append(inode.digest() == null ? "-" : inode.digest().hex())
                    .append(" content=").append(inode.content() == null ? "-" : HexFormat.of().formatHex(inode.content()));
            inode.xattrs().stream().sorted().forEach(x -> sb.append(' ').append(xattr(x)));
            sb.append('\n');
        });
        return sb.toString();
    }

    private static String xattr(Xattr x) {
        return escape(x.name().bytes()) + "=" + HexFormat.of().formatHex(x.value());
    }

    /** Printable ASCII as is, everything else as {@code \xNN}. */
    public static String escape(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte v : b) {
            int u = v & 0xff;
            if (u > 0x20 && u < 0x7f && u != '\\') {
                sb.append((char) u);
            } else {
                sb.append(String.format("\\x%02x", u));
            }
        }
        return sb.toString();
    }
}
