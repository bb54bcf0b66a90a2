package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** Asserts two trees hold the same paths, metadata, payloads and hard-link structure. */
final class TreeComparison {
    private TreeComparison() {
    }

    private record Visit(byte[] path, Inode inode) {
    }

    private static List<Visit> visits(Tree t) {
        List<Visit> v = new ArrayList<>();
        t.walk((path, inode) -> v.add(new Visit(path, inode)));
        return v;
    }

    /**
     * Asserts {@code actual} is what a descriptor makes of {@code expected}: the same paths and
     * metadata; directory nlink 2 + subdirectories, a hard-linked file's nlink its number of names; xattrs in key order; hard links as shared inodes.
     */
    static void assertSameTree(Tree expected, Tree actual) {
        List<Visit> e = visits(expected);
        List<Visit> a = visits(actual);
        assertEquals(e.size(), a.size(), "number of paths");
        Map<Inode, Integer> names = new IdentityHashMap<>();
        for (Visit v : e) {
            names.merge(v.inode(), 1, Integer::sum);
        }
        Map<Inode, Inode> mapping = new IdentityHashMap<>();
        Map<Inode, Inode> reverse = new IdentityHashMap<>();
        for (int i = 0; i < e.size(); i++) {
            String path = Name.of(e.get(i).path()).toString();
            assertArrayEquals(e.get(i).path(), a.get(i).path(), "path " + i);
            Inode x = e.get(i).inode();
            Inode y = a.get(i).inode();
            Inode seen = mapping.putIfAbsent(x, y);
            assertEquals(seen == null ? y : seen, y, path + ": hard-link structure");
            Inode seenBack = reverse.putIfAbsent(y, x);
            assertEquals(seenBack == null ? x : seenBack, x, path + ": hard-link structure");
            assertSameInode(path, x, y, names.get(x));
        }
    }

    private static void assertSameInode(String path, Inode x, Inode y, int names) {
        assertEquals(Integer.toOctalString(x.mode()), Integer.toOctalString(y.mode()), path + ": mode");
        long nlink = x.isDirectory() ? 2 + x.children().values().stream().filter(Inode::isDirectory).count()
                : names > 1 ? names : x.nlink();
        assertEquals(nlink, y.nlink(), path + ": nlink");
        assertEquals(x.uid(), y.uid(), path + ": uid");
        assertEquals(x.gid(), y.gid(), path + ": gid");
        assertEquals(x.rdev(), y.rdev(), path + ": rdev");
        assertEquals(x.size(), y.size(), path + ": size");
        assertEquals(x.mtime(), y.mtime(), path + ": mtime");
        assertEquals(x.ctime(), y.ctime(), path + ": ctime");
        List<Xattr> sorted = new ArrayList<>(x.xattrs());
        sorted.sort(null);
        assertEquals(sorted, y.xattrs(), path + ": xattrs");
        boolean emptyFile = x.type() == dev.composefs.format.tree.FileType.REGULAR && x.size() == 0;
        assertArrayEquals(emptyFile ? null : x.payload(), y.payload(), path + ": payload");
        assertEquals(emptyFile ? null : x.digest(), y.digest(), path + ": digest");
        assertArrayEquals(x.content(), y.content(), path + ": content");
    }
}
