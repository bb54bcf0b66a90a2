package dev.composefs.format.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Checks that the generated trees are what {@link TreeArbitraries} promises, and that walks see all of them. */
class TreeArbitrariesTest {

    @Provide
    Arbitrary<Tree> all() {
        return TreeArbitraries.trees();
    }

    @Provide
    Arbitrary<Tree> noInline() {
        return TreeArbitraries.treesWithoutInlineContent();
    }

    @Provide
    Arbitrary<Tree> noLinks() {
        return TreeArbitraries.treesWithoutHardLinks();
    }

    @Property(tries = 100)
    void walkVisitsEveryNameAndEveryInode(@ForAll("all") Tree tree) {
        Map<Inode, Integer> expected = new IdentityHashMap<>();
        expected.put(tree.root(), 1);
        Deque<Inode> todo = new ArrayDeque<>(List.of(tree.root()));
        int names = 1;
        while (!todo.isEmpty()) {
            for (Inode child : todo.pop().children().values()) {
                names++;
                expected.merge(child, 1, Integer::sum);
                if (child.isDirectory()) {
                    todo.push(child);
                }
            }
        }
        Map<Inode, Integer> visited = new IdentityHashMap<>();
        List<byte[]> paths = new ArrayList<>();
        tree.walk((path, inode) -> {
            visited.merge(inode, 1, Integer::sum);
            paths.add(path);
            assertTrue(tree.lookup(path) == inode, "lookup of a walked path gives the walked inode");
        });
        assertEquals(names, paths.size());
        assertEquals(expected, visited);
        assertTrue(names <= 60);
    }

    @Property(tries = 100)
    void treesAreConsistent(@ForAll("all") Tree tree) {
        Map<Inode, Integer> names = new IdentityHashMap<>();
        tree.walk((path, inode) -> {
            names.merge(inode, 1, Integer::sum);
            assertTrue(depth(path) <= 7, "depth");
            for (Inode c : inode.children().values()) {
                assertNotNull(c);
            }
            switch (inode.type()) {
                case REGULAR -> {
                    if (inode.content() != null) {
                        assertEquals(inode.content().length, inode.size());
                        assertNull(inode.payload());
                    } else if (inode.size() > 0) {
                        assertEquals(inode.digest().objectPath(), new String(inode.payload(), java.nio.charset.StandardCharsets.US_ASCII));
                    } else {
                        assertNull(inode.payload());
                        assertNull(inode.digest());
                    }
                }
                case SYMLINK -> assertEquals(inode.payload().length, inode.size());
                case DIRECTORY -> assertEquals(2 + inode.children().values().stream().filter(Inode::isDirectory).count(), inode.nlink());
                case CHAR_DEVICE, BLOCK_DEVICE -> assertEquals(0, inode.size());
                default -> assertEquals(0, inode.rdev());
            }
            assertTrue(inode.uid() >= 0 && inode.uid() <= 0xFFFF_FFFFL);
            assertEquals(inode.mtime(), inode.ctime());
            assertEquals(inode.xattrs().size(), inode.xattrs().stream().map(Xattr::name).distinct().count());
        });
        for (Map.Entry<Inode, Integer> e : names.entrySet()) {
            if (e.getKey().isDirectory()) {
                assertEquals(1, e.getValue(), "a directory has exactly one name");
            } else {
                assertEquals(e.getValue().longValue(), e.getKey().nlink(), "nlink counts the names");
            }
        }
    }

    @Property(tries = 50)
    void optionsAreHonoured(@ForAll("noInline") Tree noInline, @ForAll("noLinks") Tree noLinks) {
        noInline.walk((path, inode) -> assertNull(inode.content()));
        Set<Inode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        noLinks.walk((path, inode) -> assertTrue(seen.add(inode), "each inode has one name"));
    }

    @Property(tries = 50)
    void distinctCtimesDiffer(@ForAll("ctimes") Tree tree) {
        int[] differing = new int[1];
        tree.walk((path, inode) -> differing[0] += inode.ctime().equals(inode.mtime()) ? 0 : 1);
        net.jqwik.api.statistics.Statistics.label("ctime differs").collect(differing[0] > 0)
                .coverage(c -> c.check(true).percentage(p -> p > 20)); // a loose bound: a tight one made the test flaky
    }

    @Provide
    Arbitrary<Tree> ctimes() {
        return TreeArbitraries.trees(TreeArbitraries.Options.all().withDistinctCtimes());
    }

    @Property(tries = 200)
    void treesCoverEveryFeature(@ForAll("all") Tree tree) {
        Set<String> features = new java.util.TreeSet<>();
        Map<Inode, Integer> names = new IdentityHashMap<>();
        int[] count = new int[1];
        tree.walk((path, inode) -> {
            count[0]++;
            names.merge(inode, 1, Integer::sum);
            features.add(inode.type().name());
            if (inode.content() != null) {
                features.add("inline");
            }
            if (inode.type() == FileType.CHAR_DEVICE && inode.rdev() == 0) {
                features.add("whiteout");
            }
            if (inode.uid() > 0xFFFF || inode.rdev() > 0xFFFF) {
                features.add("big-id");
            }
            if (inode.mtime().seconds() < 0) {
                features.add("negative-mtime");
            }
            for (Xattr x : inode.xattrs()) {
                String n = x.name().toString();
                features.add(n.startsWith("trusted.overlay.") ? "overlay-xattr" : n.substring(0, n.indexOf('.')));
            }
            for (int i = 1; i < path.length; i++) {
                if ((path[i] & 0x80) != 0) {
                    features.add("binary-name");
                }
            }
        });
        if (names.values().stream().anyMatch(n -> n > 1)) {
            features.add("hard-link");
        }
        net.jqwik.api.statistics.Statistics.label("inodes").collect(count[0] < 10 ? "<10" : count[0] < 30 ? "<30" : "<=60");
        for (String f : List.of("REGULAR", "DIRECTORY", "SYMLINK", "CHAR_DEVICE", "BLOCK_DEVICE", "FIFO", "SOCKET",
                "inline", "whiteout", "big-id", "negative-mtime", "user", "trusted", "security", "system",
                "overlay-xattr", "binary-name", "hard-link")) {
            net.jqwik.api.statistics.Statistics.label(f).collect(features.contains(f))
                    .coverage(c -> c.check(true).percentage(p -> p > 3.0));
        }
    }

    @Property(tries = 300)
    void namesAreValid(@ForAll("names") Name name) {
        assertTrue(name.length() >= 1 && name.length() <= Inode.NAME_MAX);
        assertFalse(name.isDotOrDotDot());
        for (int i = 0; i < name.length(); i++) {
            assertTrue(name.byteAt(i) != 0 && name.byteAt(i) != '/');
        }
    }

    @Provide
    Arbitrary<Name> names() {
        return TreeArbitraries.names();
    }

    private static int depth(byte[] path) {
        int slashes = 0;
        for (byte b : path) {
            if (b == '/') {
                slashes++;
            }
        }
        return path.length == 1 ? 0 : slashes;
    }
}
