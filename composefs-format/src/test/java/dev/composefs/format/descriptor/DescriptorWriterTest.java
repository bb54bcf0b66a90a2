package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Image;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorWriterTest {
    @TempDir
    Path dir;

    private static void assertBytes(byte[] expected, byte[] actual) {
        HexFormat hex = HexFormat.of();
        assertEquals(expected.length, actual.length, "length");
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                int from = Math.max(0, i - 8);
                int to = Math.min(expected.length, i + 8);
                throw new AssertionError("first difference at byte " + i + ": expected "
                        + hex.formatHex(expected, from, to) + " but got " + hex.formatHex(actual, from, to));
            }
        }
    }

    @Test
    void writesTree1ExactlyAsLaidOutByHand() {
        assertBytes(SampleDescriptors.expected1(), DescriptorWriter.toBytes(SampleDescriptors.tree1()));
    }

    @Test
    void writesTree2ExactlyAsLaidOutByHand() {
        assertBytes(SampleDescriptors.expected2(), DescriptorWriter.toBytes(SampleDescriptors.tree2()));
    }

    @Test
    void emptyRootIsSuperblockAndOneInode() {
        byte[] bytes = DescriptorWriter.toBytes(new Tree(new Inode(040755)));
        SampleDescriptors.Le expected = new SampleDescriptors.Le(224);
        expected.u32(0, 1).u32(4, 0xc078629a).u64(8, 224).u32(128, 040755).u32(132, 2);
        assertBytes(expected.array(), bytes);
    }

    @Test
    void sameTreeTwiceGivesSameBytes() {
        assertArrayEquals(DescriptorWriter.toBytes(SampleDescriptors.tree1()), DescriptorWriter.toBytes(SampleDescriptors.tree1()));
        Tree t = SampleDescriptors.tree2();
        assertArrayEquals(DescriptorWriter.toBytes(t), DescriptorWriter.toBytes(t));
    }

    @Test
    void xattrsAreSortedByKey() {
        Inode root = new Inode(040755);
        root.xattrs().add(Xattr.of("user.b", new byte[] {2}));
        root.xattrs().add(Xattr.of("user.a", new byte[] {1}));
        Inode other = new Inode(040755);
        other.xattrs().add(Xattr.of("user.a", new byte[] {1}));
        other.xattrs().add(Xattr.of("user.b", new byte[] {2}));
        Inode root2 = new Inode(040755);
        root2.xattrs().addAll(other.xattrs());
        assertArrayEquals(DescriptorWriter.toBytes(new Tree(root2)), DescriptorWriter.toBytes(new Tree(root)));
    }

    @Test
    void hardLinkIsOneInodeWithNlinkCountingItsNames() throws IOException {
        Inode file = new Inode(0100644).size(10).payload("00/11".getBytes()).nlink(1);
        Inode sub = new Inode(040755);
        Inode root = new Inode(040755);
        root.addChild(Name.of("x"), file).addChild(Name.of("sub"), sub);
        sub.addChild(Name.of("y"), file);
        byte[] bytes = DescriptorWriter.toBytes(new Tree(root));
        try (Image image = DescriptorReader.open(dev.composefs.format.image.ImageData.wrap(bytes, Path.of("hardlink")))) {
            assertEquals(3, image.inodeCount());
            long x = image.lookup(0, Name.of("x"));
            long y = image.lookup(image.lookup(0, Name.of("sub")), Name.of("y"));
            assertEquals(x, y);
            Stat st = image.stat(x);
            assertEquals(2, st.nlink());
        }
    }

    @Test
    void refusesWhatADescriptorCannotHold() {
        Inode inline = new Inode(0100644).size(3).content(new byte[] {1, 2, 3});
        assertRefused(inline, "inline content");
        assertRefused(new Inode(0100644).size(3), "no backing path");
        assertRefused(new Inode(0100644).size(3).payload("/abs".getBytes()), "relative");
        assertRefused(new Inode(0100644).size(3).payload("a/../../b".getBytes()), "'..'");
        assertRefused(new Inode(0120777).size(0), "symlink target");
        assertRefused(new Inode(0120777).size(1).digest(FsVerityDigest.of(FsVerityAlgorithm.SHA256, new byte[32])).payload(new byte[] {'x'}),
                "digest");
        assertRefused(new Inode(0100644).size(1).payload(new byte[] {'x'})
                .digest(FsVerityDigest.of(FsVerityAlgorithm.SHA512, new byte[64])), "SHA-256");
        Inode longKey = new Inode(0100644);
        longKey.xattrs().add(Xattr.of(Name.of(new byte[256]), new byte[0]));
        assertRefused(longKey, "xattr key");
        Inode bigValue = new Inode(0100644);
        bigValue.xattrs().add(Xattr.of("user.big", new byte[65536]));
        assertRefused(bigValue, "value of 65536");
        assertRefused(new Inode(0100644).uid(1L << 32), "out of range");
    }

    private static void assertRefused(Inode child, String expected) {
        Inode root = new Inode(040755);
        root.addChild(Name.of("child"), child);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DescriptorWriter.toBytes(new Tree(root)));
        assertTrue(e.getMessage().contains("/child") && e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void refusesHardLinkedDirectories() {
        Inode sub = new Inode(040755);
        Inode root = new Inode(040755);
        root.addChild(Name.of("a"), sub).addChild(Name.of("b"), sub);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DescriptorWriter.toBytes(new Tree(root)));
        assertTrue(e.getMessage().contains("/a") && e.getMessage().contains("/b"), e.getMessage());
        Inode loop = new Inode(040755);
        loop.addChild(Name.of("self"), loop);
        assertThrows(IllegalArgumentException.class, () -> DescriptorWriter.toBytes(new Tree(loop)));
    }

    @Test
    void writesToAPathAtomicallyWithoutLeftovers() throws IOException {
        Path target = dir.resolve("image.cfs");
        Files.write(target, new byte[] {1, 2, 3});
        DescriptorWriter.write(SampleDescriptors.tree1(), target);
        assertArrayEquals(SampleDescriptors.expected1(), Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void failedWriteLeavesTargetAndDirectoryUntouched() throws IOException {
        Path target = dir.resolve("image.cfs");
        Files.write(target, new byte[] {1, 2, 3});
        Inode root = new Inode(040755);
        root.addChild(Name.of("bad"), new Inode(0100644).size(1));
        assertThrows(IllegalArgumentException.class, () -> DescriptorWriter.write(new Tree(root), target));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> !p.equals(target)));
        }
    }
}
