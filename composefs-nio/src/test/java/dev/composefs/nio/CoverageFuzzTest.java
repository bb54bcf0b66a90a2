package dev.composefs.nio;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.composefs.format.descriptor.DescriptorReader;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.erofs.ErofsReader;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzz targets (Jazzer) for every parser: the descriptor reader, the EROFS reader
 * (both views), the dump parser (strict and lenient), and the whole {@code cfs:} provider on top.
 * The property: only {@link IOException}s; anything else (a RuntimeException, StackOverflowError,
 * OutOfMemoryError) is a finding.
 *
 * <p>In a normal test run Jazzer's regression mode runs each target over its seed corpus in
 * {@code src/test/resources/dev/composefs/nio/CoverageFuzzTestInputs/<target>/} (images and dumps
 * written by this project's writers from the upstream assets; {@link FuzzSeeds} regenerates them) and
 * over any crash found before. {@code JAZZER_FUZZ=1} fuzzes one target with coverage guidance; see
 * FUZZING.md for the command.
 */
class CoverageFuzzTest {
    private static final Path NAME = Path.of("fuzz.img");

    @FuzzTest(maxDuration = "5m")
    void descriptorReader(byte[] input) {
        try (Image image = DescriptorReader.open(ImageData.wrap(input, NAME))) {
            readAll(image);
        } catch (IOException e) {
            // A documented refusal of a damaged image.
        }
    }

    @FuzzTest(maxDuration = "5m")
    void erofsReader(byte[] input) {
        for (ImageView view : ImageView.values()) {
            try (Image image = ErofsReader.open(ImageData.wrap(input, NAME), view)) {
                readAll(image);
            } catch (IOException e) {
                // A documented refusal of a damaged image.
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void dumpParser(byte[] input) {
        for (DumpReader reader : new DumpReader[] {DumpReader.strict(), DumpReader.lenient()}) {
            try {
                Tree tree = reader.read(new ByteArrayInputStream(input), "fuzz.dump");
                DumpWriter.write(tree, OutputStream.nullOutputStream());
            } catch (IOException e) {
                // A documented refusal of a damaged dump.
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void provider(byte[] input) throws IOException {
        Path dir = Files.createTempDirectory("cfs-fuzz");
        Path image = dir.resolve("fuzz.img");
        Path objects = Files.createDirectory(dir.resolve("objects"));
        try {
            Files.write(image, input);
            ImageFuzzTest.explore(image, objects);
        } catch (IOException e) {
            // Refused at open: a documented failure.
        } finally {
            Files.deleteIfExists(image);
            Files.deleteIfExists(objects);
            Files.deleteIfExists(dir);
        }
    }

    /** Reads the whole tree, then streams the dump: every inode, xattr, symlink and content reference. */
    private static void readAll(Image image) throws IOException {
        ImageTree.read(image);
        DumpWriter.write(image, OutputStream.nullOutputStream());
    }
}
