package dev.composefs.format.tree;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tree 4000 directories deep (issue 6) goes through the walk, the dump writer and reader, both
 * image writers, both readers and the image dump without a {@code StackOverflowError}, and comes back
 * equal; the walk hands out each path once, built from one buffer.
 */
class DeepTreeTest {
    static final int DEPTH = 4000;

    /**
     * {@code /d/d/.../d} {@value #DEPTH} deep, with a file, a symlink and a device at the bottom, and a
     * hard link of the deep file at the top.
     */
    static Tree deepTree() {
        Inode root = new Inode(0040755);
        Inode dir = root;
        for (int i = 0; i < DEPTH; i++) {
            Inode sub = new Inode(0040755).mtime(new Timespec(i, 0)).ctime(new Timespec(i, 0));
            dir.addChild(Name.of("d"), sub);
            dir = sub;
        }
        Inode file = new Inode(0100644).nlink(2).size(5).payload("ab/cd".getBytes(StandardCharsets.UTF_8));
        dir.addChild(Name.of("file"), file);
        byte[] target = "../../d".getBytes(StandardCharsets.UTF_8);
        dir.addChild(Name.of("link"), new Inode(0120777).payload(target).size(target.length));
        dir.addChild(Name.of("null"), new Inode(0020644).rdev(0x103));
        root.addChild(Name.of("top"), file);
        return new Tree(root);
    }

    @Test
    void theWalkHandsOutEveryPathInOrder() {
        Tree tree = deepTree();
        List<byte[]> paths = new ArrayList<>();
        List<Inode> inodes = new ArrayList<>();
        tree.walk((p, i) -> {
            paths.add(p);
            inodes.add(i);
        });
        assertEquals(DEPTH + 5, paths.size());
        assertArrayEquals("/".getBytes(StandardCharsets.UTF_8), paths.get(0));
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= DEPTH; i++) {
            expected.append("/d");
            assertEquals(expected.toString(), new String(paths.get(i), StandardCharsets.UTF_8));
        }
        assertEquals(expected + "/file", new String(paths.get(DEPTH + 1), StandardCharsets.UTF_8));
        assertEquals("/top", new String(paths.get(DEPTH + 4), StandardCharsets.UTF_8));
        assertSame(inodes.get(DEPTH + 1), inodes.get(DEPTH + 4));
        // The path-buffer walk sees the same paths without a copy each.
        int[] n = {0};
        tree.walkPaths((buf, len, inode) -> {
            byte[] copy = java.util.Arrays.copyOf(buf, len);
            assertArrayEquals(paths.get(n[0]), copy);
            assertSame(inodes.get(n[0]), inode);
            n[0]++;
        });
        assertEquals(paths.size(), n[0]);
    }

    /**
     * 4000 levels of 255-byte names: a megabyte-long deepest path. Keeping every open directory's
     * path, as a walk that copies paths per level does, would hold 2 GB at the bottom; the buffer walk
     * holds one path.
     */
    @Test
    void aWalkOfLongNamesHoldsOnePath() {
        byte[] longName = new byte[Inode.NAME_MAX];
        java.util.Arrays.fill(longName, (byte) 'n');
        Inode root = new Inode(0040755);
        Inode dir = root;
        for (int i = 0; i < DEPTH; i++) {
            Inode sub = new Inode(0040755);
            dir.addChild(Name.of(longName), sub);
            dir = sub;
        }
        long[] seen = {0, 0};
        new Tree(root).walkPaths((buf, len, inode) -> {
            seen[0]++;
            seen[1] = Math.max(seen[1], len);
            assertEquals('/', buf[len == 1 ? 0 : len - Inode.NAME_MAX - 1]);
        });
        assertEquals(DEPTH + 1, seen[0]);
        assertEquals((long) DEPTH * (Inode.NAME_MAX + 1), seen[1]);
    }

    @Test
    void roundTripsThroughTheDumpAndBothImageFormats() throws IOException {
        Tree tree = deepTree();
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        DumpWriter.write(tree, dump);
        Tree fromDump = DumpReader.strict().read(new ByteArrayInputStream(dump.toByteArray()), "deep.dump");
        TreeAssertions.assertTreesEqual(tree, fromDump);

        byte[] descriptor = DescriptorWriter.toBytes(tree);
        byte[] erofs = new ErofsWriter().toBytes(tree);
        for (byte[] bytes : List.of(descriptor, erofs)) {
            try (Image image = Image.open(ImageData.wrap(bytes, Path.of("deep.cfs")))) {
                Tree read = ImageTree.read(image);
                TreeAssertions.comparing().ignoringCtime().ignoringDirectorySize().ignoringDirectoryNlink()
                        .assertEqual(tree, read);
                // The image streamed straight to a dump gives the same lines as the tree read from it.
                ByteArrayOutputStream streamed = new ByteArrayOutputStream();
                DumpWriter.write(image, streamed);
                ByteArrayOutputStream fromTree = new ByteArrayOutputStream();
                DumpWriter.write(read, fromTree);
                assertArrayEquals(fromTree.toByteArray(), streamed.toByteArray());
            }
        }
    }
}
