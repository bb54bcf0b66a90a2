package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The images of the upstream vectors (byte-identical to the reference {@code mkcomposefs} images, as
 * {@link ErofsGoldenTest} checks), real CentOS Stream 9 trees among them, read back: the mounted view
 * is the dump's tree, and both views survive a full walk.
 */
class ErofsReaderGoldenTest {
    private static final Set<String> LENIENT = Set.of("no-newline.dump", "longlink.dump", "honggfuzz-longlink-unterminated.dump");
    /**
     * Vectors whose dump the image cannot hold exactly: a fuzzed mode 020720777 has bits above the 16
     * of EROFS' i_mode, so the image (like the reference one) stores 0120777, a symlink.
     */
    private static final Set<String> NOT_REPRESENTABLE = Set.of("honggfuzz-longlink-unterminated.dump");

    static java.util.stream.Stream<String> vectors() throws java.io.IOException {
        return ErofsGoldenTest.vectors();
    }

    /** A copy of a vector that was a symlink upstream holds the target's name. */
    private static Path dump(String name) throws java.io.IOException {
        Path dump = ErofsGoldenTest.assets().resolve(name);
        if (Files.size(dump) < 256) {
            Path target = dump.resolveSibling(Files.readString(dump).trim());
            if (Files.isRegularFile(target)) {
                return target;
            }
        }
        return dump;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void mountedViewIsTheDumpTree(String name) throws Exception {
        Tree tree = (LENIENT.contains(name) ? DumpReader.lenient() : DumpReader.strict()).read(dump(name));
        ErofsWriterOptions options = ErofsWriterOptions.DEFAULT;
        Path versionFile = ErofsGoldenTest.assets().resolve(name + ".version");
        if (Files.exists(versionFile)) {
            options = ErofsWriterOptions.exactly(Integer.parseInt(Files.readString(versionFile).trim()));
        }
        byte[] bytes = ErofsReaderRoundTripTest.image(tree, options);
        long storedInodes;
        try (Image image = Image.open(ImageData.wrap(bytes, Path.of(name + ".img")))) {
            Set<Inode> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
            tree.walk((p, n) -> distinct.add(n));
            assertEquals(distinct.size(), ImageWalk.distinctInodes(image));
            storedInodes = image.inodeCount();
            if (!NOT_REPRESENTABLE.contains(name)) {
                ErofsReaderRoundTripTest.EXACT.ignoringDirectoryNlink().assertEqual(tree, ImageTree.read(image));
            }
            ImageWalk.walk(image);
        }
        try (Image raw = Image.open(ImageData.wrap(bytes, Path.of(name + ".img")), ImageView.RAW)) {
            assertEquals(ImageWalk.distinctInodes(raw), raw.inodeCount(), "inos counts every stored inode");
            assertEquals(storedInodes, raw.inodeCount(), "both views report the stored count");
            ImageWalk.walk(raw);
        }
    }
}
