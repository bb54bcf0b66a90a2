package dev.composefs.format.tree;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Structural equality of trees for round-trip tests: the same paths in the same order, the same
 * metadata under each path, and the same hard-link structure (two paths share an inode in one tree
 * exactly when they do in the other). Inode objects themselves are not compared by identity.
 *
 * <p>{@link #assertTreesEqual} compares everything except xattr order; a {@link Comparison} relaxes
 * what a format cannot carry, e.g. {@code TreeAssertions.comparing().ignoringCtime().assertEqual(a, b)}.
 * A failure names the path and the field.
 */
public final class TreeAssertions {
    private TreeAssertions() {
    }

    /** Asserts that the trees are equal in everything, xattrs compared as sets. */
    public static void assertTreesEqual(Tree expected, Tree actual) {
        comparing().assertEqual(expected, actual);
    }

    /** A comparison of everything, to relax field by field. */
    public static Comparison comparing() {
        return new Comparison(false, false, false, false, false);
    }

    /**
     * Which fields a comparison skips. Immutable; each {@code ignoring…} returns a new one.
     *
     * @param ignoreCtime          do not compare ctime (formats without it)
     * @param ignoreDirectorySize  do not compare directory sizes (formats compute their own)
     * @param ignoreDirectoryNlink do not compare directory link counts (formats recompute them)
     * @param ignoreNlink          do not compare any link count
     * @param xattrOrderMatters    compare xattr lists in order rather than as sets
     */
    public record Comparison(boolean ignoreCtime, boolean ignoreDirectorySize, boolean ignoreDirectoryNlink,
                             boolean ignoreNlink, boolean xattrOrderMatters) {
        /** Also skips ctime. */
        public Comparison ignoringCtime() {
            return new Comparison(true, ignoreDirectorySize, ignoreDirectoryNlink, ignoreNlink, xattrOrderMatters);
        }

        /** Also skips directory sizes. */
        public Comparison ignoringDirectorySize() {
            return new Comparison(ignoreCtime, true, ignoreDirectoryNlink, ignoreNlink, xattrOrderMatters);
        }

        /** Also skips directory link counts. */
        public Comparison ignoringDirectoryNlink() {
            return new Comparison(ignoreCtime, ignoreDirectorySize, true, ignoreNlink, xattrOrderMatters);
        }

        /** Also skips all link counts. */
        public Comparison ignoringNlink() {
            return new Comparison(ignoreCtime, ignoreDirectorySize, ignoreDirectoryNlink, true, xattrOrderMatters);
        }

        /** Compares xattrs as ordered lists. */
        public Comparison withXattrOrder() {
            return new Comparison(ignoreCtime, ignoreDirectorySize, ignoreDirectoryNlink, ignoreNlink, true);
        }

        /** Asserts that {@code actual} equals {@code expected} under this comparison. */
        public void assertEqual(Tree expected, Tree actual) {
            List<byte[]> expectedPaths = new ArrayList<>();
            List<Inode> expectedInodes = new ArrayList<>();
            expected.walk((p, i) -> {
                expectedPaths.add(p);
                expectedInodes.add(i);
            });
            List<byte[]> actualPaths = new ArrayList<>();
            List<Inode> actualInodes = new ArrayList<>();
            actual.walk((p, i) -> {
                actualPaths.add(p);
                actualInodes.add(i);
            });
            Map<Inode, Integer> expectedFirst = new IdentityHashMap<>();
            Map<Inode, Integer> actualFirst = new IdentityHashMap<>();
            int n = Math.min(expectedPaths.size(), actualPaths.size());
            for (int k = 0; k < n; k++) {
                String path = show(expectedPaths.get(k));
                if (!Arrays.equals(expectedPaths.get(k), actualPaths.get(k))) {
                    fail("entry " + k + ": expected path " + path + " but was " + show(actualPaths.get(k)));
                }
                Integer e = expectedFirst.putIfAbsent(expectedInodes.get(k), k);
                Integer a = actualFirst.putIfAbsent(actualInodes.get(k), k);
                if (!Objects.equals(e, a)) {
                    fail(path + ": hard-link structure differs: expected "
                            + (e == null ? "a new inode" : "a link to " + show(expectedPaths.get(e)))
                            + " but was " + (a == null ? "a new inode" : "a link to " + show(actualPaths.get(a))));
                }
                if (e == null) {
                    compareInode(path, expectedInodes.get(k), actualInodes.get(k));
                }
            }
            if (expectedPaths.size() != actualPaths.size()) {
                List<byte[]> longer = expectedPaths.size() > n ? expectedPaths : actualPaths;
                fail((longer == expectedPaths ? "missing path " : "unexpected path ") + show(longer.get(n))
                        + " (expected " + expectedPaths.size() + " entries, was " + actualPaths.size() + ")");
            }
        }

        private void compareInode(String path, Inode e, Inode a) {
            check(path, "mode", Integer.toOctalString(e.mode()), Integer.toOctalString(a.mode()));
            boolean dir = e.isDirectory();
            if (!ignoreNlink && !(dir && ignoreDirectoryNlink)) {
                check(path, "nlink", e.nlink(), a.nlink());
            }
            check(path, "uid", e.uid(), a.uid());
            check(path, "gid", e.gid(), a.gid());
            check(path, "rdev", e.rdev(), a.rdev());
            if (!(dir && ignoreDirectorySize)) {
                check(path, "size", e.size(), a.size());
            }
            check(path, "mtime", e.mtime(), a.mtime());
            if (!ignoreCtime) {
                check(path, "ctime", e.ctime(), a.ctime());
            }
            check(path, "payload", hex(e.payload()), hex(a.payload()));
            check(path, "content", hex(e.content()), hex(a.content()));
            check(path, "digest", e.digest(), a.digest());
            List<Xattr> ex = new ArrayList<>(e.xattrs());
            List<Xattr> ax = new ArrayList<>(a.xattrs());
            if (!xattrOrderMatters) {
                ex.sort(null);
                ax.sort(null);
            }
            check(path, "xattrs", ex, ax);
        }
    }

    private static void check(String path, String field, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            fail(path + ": " + field + " expected <" + expected + "> but was <" + actual + ">");
        }
    }

    private static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().formatHex(b);
    }

    /** A path for messages: printable ASCII as is, other bytes as \xhh. */
    public static String show(byte[] path) {
        StringBuilder s = new StringBuilder();
        for (byte b : path) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    /** The UTF-8 bytes of {@code s}: a shorthand for paths in tests. */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
