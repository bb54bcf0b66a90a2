package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageWalk;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** tree → descriptor → tree, over generated trees (binary names, every type, hard links, every xattr namespace). */
class DescriptorRoundTripTest {
    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.treesWithoutInlineContent();
    }

    @Property(tries = 150)
    void treeSurvivesTheDescriptor(@ForAll("trees") Tree tree) throws IOException {
        byte[] bytes = DescriptorWriter.toBytes(tree);
        try (Image image = Image.open(ImageData.wrap(bytes, Path.of("roundtrip.cfs")))) {
            Tree back = ImageTree.read(image);
            TreeComparison.assertSameTree(tree, back);
            assertArrayEquals(bytes, DescriptorWriter.toBytes(back), "rewriting the tree read back gives the same bytes");
            ImageWalk.everything(image);
        }
    }

    @Property(tries = 50)
    void writerIsDeterministicWhateverTheOutput(@ForAll("trees") Tree tree) throws IOException {
        byte[] first = DescriptorWriter.toBytes(tree);
        assertArrayEquals(first, DescriptorWriter.toBytes(tree));
        ByteArrayOutputStream trickle = new ByteArrayOutputStream();
        DescriptorWriter.write(tree, new OutputStream() {
            @Override
            public void write(int b) {
                trickle.write(b);
            }
        });
        assertArrayEquals(first, trickle.toByteArray());
        Path dir = Files.createTempDirectory("desc-roundtrip");
        try {
            Path target = dir.resolve("image.cfs");
            DescriptorWriter.write(tree, target);
            assertArrayEquals(first, Files.readAllBytes(target));
            Files.delete(target);
        } finally {
            Files.delete(dir);
        }
        assertEquals(first.length, trickle.size());
    }

    /**
     * descriptor → dump → descriptor gives the same bytes: the dump has no ctime, and a tree read
     * from a dump takes ctime = mtime, so the generated trees here have ctime = mtime too.
     */
    @Property(tries = 80)
    void descriptorSurvivesItsDump(@ForAll("trees") Tree tree) throws IOException {
        byte[] bytes = DescriptorWriter.toBytes(tree);
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        try (Image image = Image.open(ImageData.wrap(bytes, Path.of("dump-roundtrip.cfs")))) {
            DumpWriter.write(image, dump);
        }
        Tree fromDump = DumpReader.strict().read(new ByteArrayInputStream(dump.toByteArray()), "dump-roundtrip.dump");
        assertArrayEquals(bytes, DescriptorWriter.toBytes(fromDump));
    }
}
