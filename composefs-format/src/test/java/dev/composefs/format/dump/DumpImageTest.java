package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Dumping an image by streaming its directories gives what dumping its tree gives. */
class DumpImageTest {

    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.treesWithoutInlineContent();
    }

    @Property(tries = 60)
    void streamingAnImageEqualsDumpingItsTree(@ForAll("trees") Tree tree) throws IOException {
        byte[] bytes = DescriptorWriter.toBytes(tree);
        try (Image image = Image.open(ImageData.wrap(bytes, Path.of("generated.cfs")))) {
            ByteArrayOutputStream streamed = new ByteArrayOutputStream();
            DumpWriter.write(image, streamed);
            ByteArrayOutputStream viaTree = new ByteArrayOutputStream();
            DumpWriter.write(ImageTree.read(image), viaTree);
            assertEquals(viaTree.toString(StandardCharsets.ISO_8859_1), streamed.toString(StandardCharsets.ISO_8859_1));
            assertTrue(streamed.size() > 0);
        }
    }
}
