package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DescriptorReaderTest {
    private final Image image;

    DescriptorReaderTest() throws IOException {
        image = DescriptorReader.open(ImageData.wrap(SampleDescriptors.expected1(), Path.of("tree1.cfs")));
    }

    @AfterEach
    void close() throws IOException {
        image.close();
    }

    private long lookup(long dir, String name) throws IOException {
        return image.lookup(dir, Name.of(name));
    }

    @Test
    void describesItself() {
        assertEquals(ImageFormat.DESCRIPTOR, image.format());
        assertEquals(Path.of("tree1.cfs"), image.path());
        assertEquals(5, image.inodeCount());
        assertEquals(0, image.rootInode());
    }

    @Test
    void statsComeFromTheInodeTable() throws IOException {
        assertEquals(new Stat(0, 040755, 3, 1000, 1001, 0, 4096, new Timespec(100, 5), new Timespec(200, 6)), image.stat(0));
        Stat a = image.stat(1);
        assertEquals(FileType.REGULAR, a.type());
        assertEquals(0644, a.permissions());
        assertEquals(new Timespec(-1, 999_999_999), a.mtime());
        assertEquals(0xffffffffL, image.stat(2).uid());
        assertEquals(FileType.SYMLINK, image.stat(4).type());
        assertThrows(IllegalArgumentException.class, () -> image.stat(5));
        assertThrows(IllegalArgumentException.class, () -> image.stat(-1));
    }

    @Test
    void lookupFindsEveryNameAndNothingElse() throws IOException {
        assertEquals(1, lookup(0, "a"));
        assertEquals(2, lookup(0, "b"));
        assertEquals(3, lookup(0, "d"));
        assertEquals(4, lookup(0, "l"));
        for (String absent : new String[] {"", "0", "A", "aa", "c", "e", "z", "\u00ff", "lz"}) {
            assertEquals(-1, lookup(0, absent), absent);
        }
        assertEquals(2, image.lookup(0, new byte[] {'x', 'b', 'y'}, 1, 1));
        assertEquals(-1, lookup(3, "a"), "empty directory");
        assertThrows(NotDirectoryException.class, () -> lookup(1, "a"));
    }

    @Test
    void cursorListsEntriesInOrder() throws IOException {
        DirectoryCursor c = image.openDirectory(0);
        assertThrows(IllegalStateException.class, c::inode);
        List<String> seen = new ArrayList<>();
        while (c.next()) {
            byte[] buf = new byte[c.nameLength() + 1];
            c.copyName(buf, 1);
            assertEquals(c.name(), Name.of(buf, 1, c.nameLength()));
            seen.add(c.name() + "=" + c.inode() + ":" + c.fileType());
        }
        assertEquals(List.of("a=1:REGULAR", "b=2:REGULAR", "d=3:DIRECTORY", "l=4:SYMLINK"), seen);
        assertFalse(c.next());
        assertThrows(IllegalStateException.class, c::nameLength);
        assertFalse(image.openDirectory(3).next());
        assertThrows(NotDirectoryException.class, () -> image.openDirectory(4));
    }

    @Test
    void symlinksXattrsAndContent() throws IOException {
        assertArrayEquals(SampleDescriptors.PAYLOAD, image.readSymlink(4));
        assertThrows(NotLinkException.class, () -> image.readSymlink(1));
        assertEquals(List.of(Xattr.of("user.x", new byte[] {'1'})), image.xattrs(1));
        assertEquals(image.xattrs(1), image.xattrs(2));
        assertEquals(List.of(), image.xattrs(0));
        assertEquals(new Content.Backing(SampleDescriptors.PAYLOAD, FsVerityDigest.of(FsVerityAlgorithm.SHA256, SampleDescriptors.DIGEST)),
                image.content(1));
        Content.Backing b = (Content.Backing) image.content(2);
        assertNull(b.expectedDigest());
        assertThrows(FileSystemException.class, () -> image.content(0));
        assertThrows(FileSystemException.class, () -> image.content(4));
    }

    @Test
    void emptyFilesHaveEmptyContent() throws IOException {
        Inode root = new Inode(040755);
        root.addChild(Name.of("e"), new Inode(0100644));
        try (Image img = DescriptorReader.open(ImageData.wrap(DescriptorWriter.toBytes(new Tree(root)), Path.of("e")))) {
            assertEquals(Content.EMPTY, img.content(1));
        }
    }

    @Test
    void readsBackTheTreeItWasWrittenFrom() throws IOException {
        TreeComparison.assertSameTree(SampleDescriptors.tree1(), ImageTree.read(image));
        try (Image two = DescriptorReader.open(ImageData.wrap(SampleDescriptors.expected2(), Path.of("tree2.cfs")))) {
            TreeComparison.assertSameTree(SampleDescriptors.tree2(), ImageTree.read(two));
        }
    }

    @Test
    void readsAFileThroughImageOpen(@TempDir Path dir) throws IOException {
        Path f = Files.write(dir.resolve("t.cfs"), SampleDescriptors.expected2());
        try (Image img = Image.open(f)) {
            assertEquals(4, img.inodeCount());
            assertEquals(3, img.lookup(img.lookup(0, Name.of("s")), Name.of("t")));
            assertEquals(FileType.FIFO, img.stat(3).type());
        }
    }

    @Test
    void closedImageRefusesReads() throws IOException {
        image.close();
        assertThrows(ClosedChannelException.class, () -> image.stat(0));
        assertTrue(image.toString().contains("tree1.cfs"));
    }
}
