package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path operations table, in the spirit of OpenJDK's {@code PathOpsTest}: every syntactic
 * operation on a corpus of path strings (and on every pair of them), with the JDK's Unix paths as
 * the oracle. Results are compared as strings; failures as exception classes. Each test collects
 * every disagreement, so one run shows the whole picture.
 */
class PathOpsTest {
    /** Paths as a user would type them: dots, repeated and trailing slashes, the empty path. */
    static final List<String> CORPUS = List.of("", "/", "a", "/a", "a/b", "/a/b", "/a/b/c", "a/b/c", ".", "..",
            "./a", "a/.", "a/..", "../a", "/..", "/../a", "/.", "a/../..", "//a//b/", "a/", "a//b",
            "a/b/../../c", "/a/./b/../c/.", "foo/bar/..", ".a", "...", "a/...", "ab/a", "a/ab", "b/a",
            "../..", "../../a", "./.", "/a/b/..", "a/b/.", "x y/é", "/ab", "/a/bc");

    @TempDir
    static Path dir;
    static FileSystem cfs;
    static final FileSystem UNIX = FileSystems.getDefault();

    @BeforeAll
    static void open() throws IOException {
        cfs = FileSystems.newFileSystem(SampleImage.create(dir).image, Map.of());
    }

    @AfterAll
    static void close() throws IOException {
        cfs.close();
    }

    /** The outcome of an operation: its result as a string, or the class of what it threw. */
    private static String outcome(java.util.function.Supplier<Object> op) {
        try {
            Object r = op.get();
            return r == null ? "null" : r.toString();
        } catch (RuntimeException e) {
            return "throws " + e.getClass().getSimpleName();
        }
    }

    private static void compareUnary(String what, Function<Path, Object> op) {
        List<String> mismatches = new ArrayList<>();
        for (String s : CORPUS) {
            String expected = outcome(() -> op.apply(UNIX.getPath(s)));
            String actual = outcome(() -> op.apply(cfs.getPath(s)));
            if (!expected.equals(actual)) {
                mismatches.add(what + "('" + s + "'): JDK " + expected + ", cfs " + actual);
            }
        }
        assertEquals(List.of(), mismatches);
    }

    private static void compareBinary(String what, BiFunction<Path, Path, Object> op) {
        List<String> mismatches = new ArrayList<>();
        for (String a : CORPUS) {
            for (String b : CORPUS) {
                String expected = outcome(() -> op.apply(UNIX.getPath(a), UNIX.getPath(b)));
                String actual = outcome(() -> op.apply(cfs.getPath(a), cfs.getPath(b)));
                if (!expected.equals(actual)) {
                    mismatches.add("'" + a + "'." + what + "('" + b + "'): JDK " + expected + ", cfs " + actual);
                }
            }
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void parsing() {
        compareUnary("toString", Path::toString);
        List<String[]> multi = List.of(new String[] {"", ""}, new String[] {"", "a"}, new String[] {"a", ""},
                new String[] {"/", "a"}, new String[] {"a", "/b/"}, new String[] {"", "/"}, new String[] {"a", "", "b"},
                new String[] {"/", "/", "/"}, new String[] {"a/", "/b"}, new String[] {".", ".."});
        for (String[] m : multi) {
            String[] more = java.util.Arrays.copyOfRange(m, 1, m.length);
            assertEquals(UNIX.getPath(m[0], more).toString(), cfs.getPath(m[0], more).toString(), String.join("|", m));
        }
    }

    @Test
    void nulIsRejected() {
        for (String s : List.of("\0", "a\0b", "/a/\0")) {
            assertThrows(InvalidPathException.class, () -> UNIX.getPath(s));
            assertThrows(InvalidPathException.class, () -> cfs.getPath(s), s);
            assertThrows(InvalidPathException.class, () -> cfs.getPath("a", s), s);
        }
    }

    @Test
    void unencodableStringsAreRejected() {
        for (String s : List.of("\uD800", "a\uDC00b", "/x/\uDBFF")) {
            assertThrows(InvalidPathException.class, () -> UNIX.getPath(s));
            assertThrows(InvalidPathException.class, () -> cfs.getPath(s), s);
            assertThrows(InvalidPathException.class, () -> cfs.getPath("a", s), s);
        }
        assertEquals(UNIX.getPath("ok\uD83D\uDE00").toString(), cfs.getPath("ok\uD83D\uDE00").toString());
    }

    @Test
    void components() {
        compareUnary("isAbsolute", Path::isAbsolute);
        compareUnary("getRoot", Path::getRoot);
        compareUnary("getParent", Path::getParent);
        compareUnary("getFileName", Path::getFileName);
        compareUnary("getNameCount", Path::getNameCount);
        compareUnary("names", p -> {
            List<String> names = new ArrayList<>();
            p.forEach(n -> names.add(n.toString()));
            return names;
        });
        compareUnary("getParent.getParent", p -> p.getParent() == null ? "none" : p.getParent().getParent());
    }

    @Test
    void getNameAndSubpath() {
        for (int i = -1; i <= 4; i++) {
            int b = i;
            compareUnary("getName(" + b + ")", p -> p.getName(b));
            for (int j = -1; j <= 5; j++) {
                int e = j;
                compareUnary("subpath(" + b + "," + e + ")", p -> p.subpath(b, e));
            }
        }
    }

    @Test
    void normalize() {
        compareUnary("normalize", Path::normalize);
        compareUnary("normalize.normalize", p -> p.normalize().normalize());
    }

    @Test
    void startsWithAndEndsWith() {
        compareBinary("startsWith", Path::startsWith);
        compareBinary("endsWith", Path::endsWith);
        compareBinary("startsWith(String)", (a, b) -> a.startsWith(b.toString()));
        compareBinary("endsWith(String)", (a, b) -> a.endsWith(b.toString()));
    }

    @Test
    void resolve() {
        compareBinary("resolve", Path::resolve);
        compareBinary("resolve(String)", (a, b) -> a.resolve(b.toString()));
        compareBinary("resolveSibling", Path::resolveSibling);
        compareBinary("resolveSibling(String)", (a, b) -> a.resolveSibling(b.toString()));
    }

    @Test
    void relativize() {
        compareBinary("relativize", Path::relativize);
        compareBinary("relativize.normalize", (a, b) -> a.relativize(b).normalize());
    }

    @Test
    void equalsAndCompareTo() {
        compareBinary("equals", Path::equals);
        compareBinary("compareTo.signum", (a, b) -> Integer.signum(a.compareTo(b)));
    }

    @Test
    void toAbsolutePathIsAgainstTheRoot() {
        Path unixRoot = UNIX.getPath("/");
        List<String> mismatches = new ArrayList<>();
        for (String s : CORPUS) {
            String expected = unixRoot.resolve(UNIX.getPath(s)).toString();
            String actual = cfs.getPath(s).toAbsolutePath().toString();
            if (!expected.equals(actual)) {
                mismatches.add("toAbsolutePath('" + s + "'): expected " + expected + ", cfs " + actual);
            }
            assertTrue(cfs.getPath(s).toAbsolutePath().isAbsolute());
        }
        assertEquals(List.of(), mismatches);
    }

    @Test
    void emptyPath() {
        Path empty = cfs.getPath("");
        assertEquals(1, empty.getNameCount());
        assertEquals(empty, empty.getFileName());
        assertEquals(null, empty.getParent());
        assertEquals(null, empty.getRoot());
        assertEquals(empty, cfs.getPath(".").normalize());
        assertEquals(empty, cfs.getPath("foo/..").normalize());
        assertEquals(empty, cfs.getPath("/").relativize(cfs.getPath("/")));
        assertEquals(cfs.getPath("a/b"), empty.resolve("a/b"));
        assertEquals(cfs.getPath("a/b"), cfs.getPath("a/b").resolve(empty));
        assertEquals(cfs.getPath("/"), empty.toAbsolutePath());
        assertThrows(IllegalArgumentException.class, () -> empty.relativize(cfs.getPath("/a")));
    }
}
