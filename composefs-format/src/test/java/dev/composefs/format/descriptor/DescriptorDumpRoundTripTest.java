package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every upstream dump asset builds a descriptor whose dump is the input's canonical form (inline
 * content moved into an object store, as {@code mkcomposefs --format=descriptor --digest-store}
 * does), and descriptor → dump → descriptor gives the same bytes.
 */
class DescriptorDumpRoundTripTest {
    private static final Set<String> LENIENT = Set.of("no-newline.dump", "longlink.dump", "honggfuzz-longlink-unterminated.dump");

    @TempDir
    Path dir;

    private static String dump(Tree tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter.write(tree, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private Tree read(String name) throws IOException {
        Path asset = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", name);
        DumpReader reader = LENIENT.contains(name) ? DumpReader.lenient() : DumpReader.strict();
        Tree tree = reader.read(asset);
        ObjectStore.open(dir.resolve("objects")).storeInlineContent(tree);
        return tree;
    }

    /** What every image writer does to a tree: a directory's nlink is 2 + its subdirectories. */
    private static Tree canonical(Tree tree) {
        tree.walk((path, inode) -> {
            if (inode.isDirectory()) {
                inode.nlink(2 + inode.children().values().stream().filter(Inode::isDirectory).count());
            }
        });
        return tree;
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz",
            "cs9-x86_64-developer.dump.gz", "honggfuzz-chardev-nonzero-size.dump", "honggfuzz-long-symlink.dump",
            "longlink.dump", "no-newline.dump", "special.dump"})
    void dumpOfTheDescriptorIsTheCanonicalInput(String name) throws IOException {
        Tree tree = canonical(read(name));
        byte[] image = DescriptorWriter.toBytes(tree);
        ByteArrayOutputStream fromImage = new ByteArrayOutputStream();
        try (Image i = Image.open(ImageData.wrap(image, Path.of(name + ".cfs")))) {
            DumpWriter.write(i, fromImage);
        }
        assertEquals(dump(tree), fromImage.toString(StandardCharsets.UTF_8), name);
        Tree again = DumpReader.strict().read(new ByteArrayInputStream(fromImage.toByteArray()), name);
        assertArrayEquals(image, DescriptorWriter.toBytes(again), name + ": descriptor -> dump -> descriptor");
    }

    /**
     * Trees a descriptor cannot hold are refused before a byte is written, naming the file: regular
     * files with a size but no backing path (the kernel's descriptor reader requires one), and
     * fuzz-found modes with bits above the 16 of {@code st_mode}.
     */
    @ParameterizedTest
    @ValueSource(strings = {"bigfile.dump", "bigfile-xattr.dump", "honggfuzz-bigfile-with-acl.dump",
            "honggfuzz-longlink-unterminated.dump"})
    void treesADescriptorCannotHoldAreRefused(String name) throws IOException {
        Tree tree = read(name);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DescriptorWriter.toBytes(tree));
        assertTrue(e.getMessage().startsWith("cannot write /"), e.getMessage());
    }
}
