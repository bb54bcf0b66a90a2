package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeProperty;

/** Images of arbitrary trees are valid EROFS: {@code fsck.erofs} accepts them. */
class ErofsWriterPropertyTest {
    @BeforeProperty
    void needsTools() {
        ErofsTools.assumeInstalled();
    }

    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.trees();
    }

    @Property(tries = 30)
    void fsckAcceptsEveryImage(@ForAll("trees") Tree tree) throws Exception {
        String before = ErofsWriterTest.describe(tree);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ErofsWriter().write(tree, out);
        byte[] image = out.toByteArray();
        assertEquals(before, ErofsWriterTest.describe(tree), "the writer must not change the tree");

        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int sb = ErofsLayout.EROFS_SUPER_OFFSET;
        assertEquals(image.length, (long) b.getInt(sb + Superblock.OFF_BLOCKS) * ErofsLayout.BLOCK_SIZE);
        assertEquals(expectedInodes(tree), b.getLong(sb + Superblock.OFF_INOS));

        Path file = Files.createTempFile("prop", ".img");
        try {
            Files.write(file, image);
            ErofsTools.Result fsck = ErofsTools.fsck(file);
            assertEquals(0, fsck.exitCode(), fsck.output());
            ByteArrayOutputStream again = new ByteArrayOutputStream();
            new ErofsWriter().write(tree, again);
            assertArrayEquals(image, again.toByteArray(), "deterministic");
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 30)
    void versionFollowsOptionsAndWhiteouts(@ForAll("trees") Tree tree, @ForAll boolean min1, @ForAll boolean max1) {
        int min = min1 ? 1 : 0;
        int max = Math.max(min, max1 ? 1 : 0);
        byte[] image = new ErofsWriter(new ErofsWriterOptions(min, max)).toBytes(tree);
        int[] whiteouts = {0};
        tree.walk((path, inode) -> {
            if (inode.type() == FileType.CHAR_DEVICE && inode.rdev() == 0) {
                whiteouts[0]++;
            }
        });
        int expected = min == 1 || (max == 1 && whiteouts[0] > 0) ? 1 : 0;
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(expected, b.getInt(ComposefsHeader.OFF_COMPOSEFS_VERSION));
        if (whiteouts[0] == 0) {
            byte[] other = new ErofsWriter(ErofsWriterOptions.exactly(1 - expected)).toBytes(tree);
            other[ComposefsHeader.OFF_COMPOSEFS_VERSION] = (byte) expected;
            assertArrayEquals(image, other, "without whiteouts the versions differ only in the header");
        }
    }

    /** Distinct inodes of the tree, plus the root stubs whose names the root does not already use. */
    private static long expectedInodes(Tree tree) {
        Set<Inode> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        tree.walk((path, inode) -> distinct.add(inode));
        long stubs = 0;
        for (int i = 0; i < 256; i++) {
            if (tree.root().child(Name.of(String.format("%02x", i))) == null) {
                stubs++;
            }
        }
        return distinct.size() + stubs;
    }
}
