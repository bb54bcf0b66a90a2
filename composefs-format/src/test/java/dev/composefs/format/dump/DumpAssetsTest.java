package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The reference test vectors: every dump parses, every should-fail dump is rejected for its reason. */
class DumpAssetsTest {
    static final Path ASSETS = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets");

    /** The vectors the reference test suite runs without CFS_PARSE_STRICT. */
    static final Set<String> LENIENT_ONLY = Set.of("no-newline.dump", "longlink.dump", "honggfuzz-longlink-unterminated.dump");

    /**
     * Vectors already in the writer's canonical form (sorted xattrs, sizes as an image reports them):
     * reading and writing them again must give back the very same bytes, as composefs-info dump of
     * the image built from them does. The others differ only where the reader normalises (a device's
     * size, a symlink's size, rdev of a directory, xattr order).
     */
    static final Set<String> CANONICAL = Set.of("bigfile.dump", "bigfile-xattr.dump", "config.dump.gz",
            "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz", "cs9-x86_64-developer.dump.gz",
            "honggfuzz-bigfile-with-acl.dump", "honggfuzz-long-symlink.dump");

    /** Why each should-fail vector is rejected (a part of the reason). */
    static final Map<String, String> FAILURES = Map.ofEntries(
            Map.entry("should-fail-big-inline.dump", "Inline content size 5004 exceeds maximum 5000"),
            Map.entry("should-fail-dir-hardlink.dump", "Directories can't be hardlinked"),
            Map.entry("should-fail-dot-name.dump", "Invalid . or .. in path"),
            Map.entry("should-fail-dotdot-name.dump", "Invalid . or .. in path"),
            Map.entry("should-fail-empty-link-name.dump", "Invalid symlink: empty target"),
            Map.entry("should-fail-empty-name.dump", "Invalid empty file name"),
            Map.entry("should-fail-empty-xattr-key.dump", "Empty xattr key"),
            Map.entry("should-fail-honggfuzz-long-xattr.dump", "Xattrs too large"),
            Map.entry("should-fail-long-link.dump", "Invalid symlink: target of"),
            Map.entry("should-fail-long-xattr-key.dump", "Too many xattrs"),
            // The reference parser rejects this one for its mode (644 has no file type) before the xattrs.
            Map.entry("should-fail-long-xattr-value.dump", "Invalid mode 644"),
            Map.entry("should-fail-no-ftype.dump", "Invalid mode 0"),
            Map.entry("should-fail-self-hardlink.dump", "Self-referential hardlink"),
            Map.entry("should-fail-too-big.dump", "File too big"));

    /** Where strict mode stops earlier, at a rule of its own. */
    static final Map<String, String> STRICT_FAILURES = Map.of(
            "should-fail-big-inline.dump", "Missing field DIGEST",
            "should-fail-honggfuzz-long-xattr.dump", "Duplicate xattr user.foo2",
            "should-fail-self-hardlink.dump", "Missing trailing newline");

    static Stream<String> validAssets() throws IOException {
        try (Stream<Path> s = Files.list(ASSETS)) {
            List<String> names = s.map(p -> p.getFileName().toString())
                    .filter(n -> (n.endsWith(".dump") || n.endsWith(".dump.gz")) && !n.startsWith("should-fail-"))
                    .sorted().toList();
            return names.stream();
        }
    }

    static Stream<String> failingAssets() throws IOException {
        try (Stream<Path> s = Files.list(ASSETS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("should-fail-")).sorted().toList().stream();
        }
    }

    static DumpReader readerFor(String name) {
        return LENIENT_ONLY.contains(name) ? DumpReader.lenient() : DumpReader.strict();
    }

    static byte[] dump(Tree tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter.write(tree, out);
        return out.toByteArray();
    }

    /**
     * The asset file {@code name}. Upstream, special_v1.dump is a git symlink to special.dump; copied as
     * a file it holds just the target's name, which this follows.
     */
    static Path asset(String name) throws IOException {
        Path p = ASSETS.resolve(name);
        if (Files.size(p) < 256) {
            String text = Files.readString(p, StandardCharsets.US_ASCII).strip();
            if (!text.isEmpty() && !text.contains("/") && !text.equals(name) && Files.isRegularFile(ASSETS.resolve(text))) {
                return ASSETS.resolve(text);
            }
        }
        return p;
    }

    static byte[] contents(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in).readAllBytes();
        }
    }

    @ParameterizedTest
    @MethodSource("validAssets")
    void parsesAndWritingIsAFixedPoint(String name) throws IOException {
        DumpReader reader = readerFor(name);
        Tree tree = reader.read(asset(name));
        byte[] first = dump(tree);
        if (CANONICAL.contains(name)) {
            assertArrayEquals(contents(asset(name)), first, "written back byte for byte");
        }
        Tree again = reader.read(new ByteArrayInputStream(first), name + " (rewritten)");
        byte[] second = dump(again);
        assertArrayEquals(first, second, "parse -> write -> parse -> write is a fixed point");
    }

    @ParameterizedTest
    @MethodSource("failingAssets")
    void shouldFailAssetsAreRejectedForTheirReason(String name) {
        assertTrue(FAILURES.containsKey(name), "expected reason known for " + name);
        for (DumpReader reader : List.of(DumpReader.strict(), DumpReader.lenient())) {
            DumpFormatException e = assertThrows(DumpFormatException.class, () -> reader.read(ASSETS.resolve(name)));
            assertEquals(ASSETS.resolve(name).toString(), e.source());
            assertTrue(e.line() >= 1, e.getMessage());
            String expected = reader.isStrict() ? STRICT_FAILURES.getOrDefault(name, FAILURES.get(name)) : FAILURES.get(name);
            assertTrue(e.reason().contains(expected), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("lenientOnly")
    void lenientOnlyAssetsAreRejectedWhenStrict(String name) {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpReader.strict().read(ASSETS.resolve(name)));
        assertTrue(e.getMessage().startsWith(ASSETS.resolve(name) + ":"), e.getMessage());
    }

    static Stream<String> lenientOnly() {
        return LENIENT_ONLY.stream().sorted();
    }
}
