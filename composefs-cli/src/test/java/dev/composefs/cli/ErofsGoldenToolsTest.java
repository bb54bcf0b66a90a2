package dev.composefs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden vector through the tools, as the reference test suite runs them: {@code mkcomposefs
 * --from-file} gives the reference image, and both {@code composefs-info dump IMG | mkcomposefs
 * --from-file -} and {@code composefs-dump IMG} give the same bytes again.
 */
class ErofsGoldenToolsTest {
    private static final Set<String> LENIENT = Set.of("no-newline.dump", "longlink.dump", "honggfuzz-longlink-unterminated.dump");

    @TempDir
    Path dir;

    static Stream<String> vectors() throws Exception {
        try (Stream<Path> s = Files.list(ImageToolsTest.ASSETS)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sha256"))
                    .map(n -> n.substring(0, n.length() - ".sha256".length())).sorted().toList().stream();
        }
    }

    private static CliRun ok(byte[] stdin, String... args) {
        CliRun r = CliRun.withInput(stdin, args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void toolsReproduceTheGoldenImage(String name) throws Exception {
        Path dump = ImageToolsTest.ASSETS.resolve(name);
        if (Files.size(dump) < 256 && Files.isRegularFile(dump.resolveSibling(Files.readString(dump).trim()))) {
            // Upstream this vector is a symlink to another; the copy here holds the target's name.
            dump = dump.resolveSibling(Files.readString(dump).trim());
        }
        List<String> versions = new ArrayList<>();
        Path versionFile = ImageToolsTest.ASSETS.resolve(name + ".version");
        if (Files.exists(versionFile)) {
            String v = Files.readString(versionFile).trim();
            versions = List.of("--min-version=" + v, "--max-version=" + v);
        }
        List<String> mk = new ArrayList<>(List.of("mkcomposefs"));
        mk.addAll(versions);
        if (LENIENT.contains(name)) {
            mk.add("--lenient");
        }
        mk.add("--from-file");
        Path img = dir.resolve("image");
        List<String> first = new ArrayList<>(mk);
        first.add(dump.toString());
        first.add(img.toString());
        ok(new byte[0], first.toArray(String[]::new));
        String golden = Files.readString(ImageToolsTest.ASSETS.resolve(name + ".sha256")).trim().split("\\s+")[0];
        assertEquals(golden, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(img))));

        byte[] info = ok(new byte[0], "composefs-info", "dump", img.toString()).stdout();
        List<String> second = new ArrayList<>(mk);
        second.add("-");
        Path again = dir.resolve("again");
        second.add(again.toString());
        ok(info, second.toArray(String[]::new));
        assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(again), "composefs-info dump | mkcomposefs --from-file -");

        Path copy = dir.resolve("copy");
        ok(new byte[0], "composefs-dump", img.toString(), copy.toString());
        assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(copy), "composefs-dump");
    }
}
