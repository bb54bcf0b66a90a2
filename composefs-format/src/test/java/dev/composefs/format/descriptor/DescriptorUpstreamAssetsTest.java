package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageWalk;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Descriptors of the real OS trees in the shared test data (dump files of CentOS Stream 9 and a
 * configuration tree with hard links), read back through {@link Image}.
 */
class DescriptorUpstreamAssetsTest {
    private static Path asset(String name) {
        return Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", name);
    }

    /**
     * A descriptor cannot hold inline content: give such files a backing path as the seed-era JSON
     * importer did, {@code XX/rest} of the content's sha256.
     */
    private static Tree withoutInlineContent(Tree tree) {
        Map<Inode, Boolean> done = new IdentityHashMap<>();
        tree.walk((path, inode) -> {
            byte[] content = inode.content();
            if (inode.type() == FileType.REGULAR && content != null && done.put(inode, Boolean.TRUE) == null) {
                String hex = HexFormat.of().formatHex(sha256(content));
                inode.content(null).payload(content.length == 0 ? null
                        : (hex.substring(0, 2) + "/" + hex.substring(2)).getBytes(StandardCharsets.US_ASCII));
            }
        });
        return tree;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "config.dump.gz"})
    void realTreeSurvivesTheDescriptor(String name) throws IOException {
        Path dump = asset(name);
        Assumptions.assumeTrue(Files.exists(dump), "missing test data " + dump);
        Tree tree = withoutInlineContent(DumpReader.strict().read(dump));
        byte[] bytes = DescriptorWriter.toBytes(tree);
        try (Image image = Image.open(ImageData.wrap(bytes, Path.of(name + ".cfs")))) {
            long[] names = {0};
            tree.walk((p, i) -> names[0]++);
            assertEquals(names[0] - 1, ImageWalk.everything(image), "every name but the root is an entry");
            assertTrue(image.inodeCount() <= names[0]);
            Tree back = ImageTree.read(image);
            TreeComparison.assertSameTree(tree, back);
            assertArrayEquals(bytes, DescriptorWriter.toBytes(back), "writing what was read gives the same bytes");
        }
    }
}
