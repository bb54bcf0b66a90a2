package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties of the path contract over generated paths: the algebra of normalize, resolve,
 * relativize and getParent, URI round trips, and agreement with the JDK's Unix paths (including the
 * glob matcher) on every generated input.
 */
class PathPropertiesTest {
    static Path dir;
    static FileSystem fs;
    static final FileSystem UNIX = FileSystems.getDefault();

    @BeforeContainer
    static void open() throws IOException {
        dir = Files.createTempDirectory("cfs-path-props");
        SampleImage sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(URI.create("cfs:" + sample.image.toUri()), Map.of());
    }

    @AfterContainer
    static void close() throws IOException {
        fs.close();
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> name = Arbitraries.of("a", "b", "ab", ".", "..", "...", ".a", "c d", "é", "*", "");
        return name.list().ofMaxSize(6).flatMap(names -> Arbitraries.of("", "/", "//")
                .flatMap(root -> Arbitraries.of("", "/").map(trail -> root + String.join("/", names) + trail)));
    }

    @Provide
    Arbitrary<String> relativeNames() {
        return Arbitraries.of("a", "b", "ab", "...", ".a", "c d", "é").list().ofMinSize(1).ofMaxSize(4)
                .map(l -> String.join("/", l));
    }

    @Property
    void agreesWithTheJdk(@ForAll("paths") String a, @ForAll("paths") String b) {
        Path ua = UNIX.getPath(a);
        Path ub = UNIX.getPath(b);
        Path ca = fs.getPath(a);
        Path cb = fs.getPath(b);
        assertEquals(ua.toString(), ca.toString());
        assertEquals(ua.normalize().toString(), ca.normalize().toString());
        assertEquals(ua.resolve(ub).toString(), ca.resolve(cb).toString());
        assertEquals(ua.resolveSibling(ub).toString(), ca.resolveSibling(cb).toString());
        assertEquals(ua.startsWith(ub), ca.startsWith(cb));
        assertEquals(ua.endsWith(ub), ca.endsWith(cb));
        assertEquals(ua.equals(ub), ca.equals(cb));
        assertEquals(Integer.signum(ua.compareTo(ub)), Integer.signum(ca.compareTo(cb)));
        assertEquals(outcome(() -> ua.relativize(ub)), outcome(() -> ca.relativize(cb)), a + " relativize " + b);
        assertEquals(String.valueOf(ua.getParent()), String.valueOf(ca.getParent()));
        assertEquals(String.valueOf(ua.getFileName()), String.valueOf(ca.getFileName()));
        assertEquals(ua.getNameCount(), ca.getNameCount());
    }

    private static String outcome(java.util.function.Supplier<Path> op) {
        try {
            return op.get().toString();
        } catch (IllegalArgumentException e) {
            return "IllegalArgumentException";
        }
    }

    @Property
    void normalizeIsIdempotent(@ForAll("paths") String s) {
        Path n = fs.getPath(s).normalize();
        assertEquals(n, n.normalize());
        assertEquals(n, fs.getPath(n.toString()));
    }

    @Property
    void relativizeUndoesResolve(@ForAll("paths") String base, @ForAll("relativeNames") String q) {
        Path p = fs.getPath(base).normalize();
        Path rel = fs.getPath(q);
        assertEquals(rel, p.relativize(p.resolve(rel)), base + " / " + q);
    }

    @Property
    void resolveThenGetParent(@ForAll("paths") String base, @ForAll("relativeNames") String q) {
        Path p = fs.getPath(base);
        Assume.that(!p.toString().isEmpty());
        Path name = fs.getPath(q).getFileName();
        Path child = p.resolve(name);
        assertEquals(p, child.getParent());
        assertEquals(name, child.getFileName());
        assertTrue(child.startsWith(p));
        assertTrue(child.endsWith(name));
        assertEquals(p.getNameCount() + 1, child.getNameCount());
        assertEquals(child, p.resolve(name.toString()));
        assertEquals(child, child.resolveSibling(name));
    }

    @Property
    void subpathsRebuildThePath(@ForAll("paths") String s) {
        Path p = fs.getPath(s);
        Assume.that(p.getNameCount() > 0);
        Path rebuilt = p.getName(0);
        for (int i = 1; i < p.getNameCount(); i++) {
            rebuilt = rebuilt.resolve(p.getName(i));
        }
        assertEquals(p.isAbsolute() ? p.getRoot().resolve(rebuilt) : rebuilt, p);
        assertEquals(p.subpath(0, p.getNameCount()), rebuilt);
    }

    @Property
    void uriRoundTrip(@ForAll("paths") String s) {
        Path p = fs.getPath(s);
        assertEquals(p.toAbsolutePath(), Path.of(p.toUri()));
        Path n = p.toAbsolutePath().normalize();
        assertEquals(n, Path.of(n.toUri()));
    }

    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.strings().withChars("ab*?[]{},!-\\/.^&").ofMaxLength(8);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars("ab/.-!^{}[],&\\*").ofMaxLength(6);
    }

    /** Globs compile to the same language as the JDK's: same syntax errors, same matches. */
    @Property(tries = 2000)
    void globsMatchAsTheJdks(@ForAll("globs") String glob, @ForAll("names") String name) {
        PathMatcher expected;
        try {
            expected = UNIX.getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            try {
                fs.getPathMatcher("glob:" + glob);
            } catch (PatternSyntaxException ok) {
                return;
            }
            throw new AssertionError("the JDK rejects glob '" + glob + "', cfs accepts it", e);
        }
        PathMatcher actual;
        try {
            actual = fs.getPathMatcher("glob:" + glob);
        } catch (PatternSyntaxException e) {
            throw new AssertionError("the JDK accepts glob '" + glob + "', cfs rejects it", e);
        }
        assertEquals(expected.matches(UNIX.getPath(name)), actual.matches(fs.getPath(name)),
                "glob '" + glob + "' on '" + name + "'");
    }

    @Property(tries = 50)
    void matcherSyntaxErrorsAsTheJdks(@ForAll("syntaxes") String s) {
        assertEquals(failure(() -> UNIX.getPathMatcher(s)), failure(() -> fs.getPathMatcher(s)), s);
    }

    @Provide
    Arbitrary<String> syntaxes() {
        return Arbitraries.of(List.of("glob:", ":x", "x", "foo:x", "GLOB:*", "Regex:a.*", "regex:", "glob:{a", "glob:[a",
                "regex:(", "glob:\\", "glob:[a-]", "glob:[!a-c]x", "glob:{a,b}/*"));
    }

    private static String failure(Runnable r) {
        try {
            r.run();
            return "ok";
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }
}
