package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream test vectors: for every dump with a {@code .sha256}, the image must have exactly the
 * checksum of the image the reference {@code mkcomposefs --from-file} makes from it, written with the
 * {@code .version} file's version as min and max when there is one.
 */
class ErofsGoldenTest {
    /** Vectors the reference tools only accept without {@code CFS_PARSE_STRICT}. */
    private static final Set<String> LENIENT = Set.of("no-newline.dump", "longlink.dump", "honggfuzz-longlink-unterminated.dump");

    static Path assets() {
        return Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets");
    }

    static Stream<String> vectors() throws IOException {
        try (Stream<Path> files = Files.list(assets())) {
            List<String> names = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".sha256"))
                    .map(n -> n.substring(0, n.length() - ".sha256".length()))
                    .sorted().toList();
            return names.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void imageMatchesReferenceChecksum(String name) throws Exception {
        Path dump = resolveLink(assets().resolve(name));
        DumpReader reader = LENIENT.contains(name) ? DumpReader.lenient() : DumpReader.strict();
        Tree tree = reader.read(dump);
        ErofsWriterOptions options = ErofsWriterOptions.DEFAULT;
        Path versionFile = assets().resolve(name + ".version");
        if (Files.exists(versionFile)) {
            options = ErofsWriterOptions.exactly(Integer.parseInt(Files.readString(versionFile).trim()));
        }
        byte[] image = new ErofsWriter(options).toBytes(tree);
        String expected = Files.readString(assets().resolve(name + ".sha256")).trim().split("\\s+")[0];
        assertEquals(expected, sha256(image), name + " (" + image.length + " bytes)");
    }

    /**
     * {@code special_v1.dump} is a symbolic link to {@code special.dump} upstream; a copy that lost the
     * link holds the target's name as its only content.
     */
    private static Path resolveLink(Path dump) throws IOException {
        if (Files.size(dump) < 256) {
            String text = Files.readString(dump).trim();
            if (!text.isEmpty() && !text.contains(" ") && !text.contains("/") && Files.exists(dump.resolveSibling(text))) {
                return dump.resolveSibling(text);
            }
        }
        assertTrue(Files.isRegularFile(dump), dump + " missing");
        return dump;
    }

    private static String sha256(byte[] data) throws NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
