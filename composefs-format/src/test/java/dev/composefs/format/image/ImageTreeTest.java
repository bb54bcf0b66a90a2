package dev.composefs.format.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ImageTree} over a hand-made {@link Image} that does no validation of its own, so the tree
 * reader's own defences (cycles, hard-linked directories, type mismatches) are exercised.
 */
class ImageTreeTest {
    /** An entry of a {@link FakeImage} directory. */
    private record Entry(String name, long ino, FileType type) {
    }

    /** inode → mode; directories → entries. Inline content for regular inode 3, a symlink at 4. */
    private record FakeImage(Map<Long, Integer> modes, Map<Long, List<Entry>> dirs) implements Image {
        @Override
        public ImageFormat format() {
            return ImageFormat.DESCRIPTOR;
        }

        @Override
        public Path path() {
            return Path.of("fake");
        }

        @Override
        public long inodeCount() {
            return modes.size();
        }

        @Override
        public long rootInode() {
            return 0;
        }

        @Override
        public Stat stat(long ino) {
            return new Stat(ino, modes.get(ino), 1, 0, 0, 0, 3, new Timespec(ino, 0), new Timespec(ino, 1));
        }

        @Override
        public long lookup(long dirIno, byte[] name, int offset, int length) {
            for (Entry e : dirs.get(dirIno)) {
                if (Name.of(e.name()).contentEquals(name, offset, length)) {
                    return e.ino();
                }
            }
            return -1;
        }

        @Override
        public DirectoryCursor openDirectory(long dirIno) {
            List<Entry> entries = dirs.get(dirIno);
            return new DirectoryCursor() {
                private int i = -1;

                @Override
                public boolean next() {
                    return ++i < entries.size();
                }

                @Override
                public int nameLength() {
                    return entries.get(i).name().length();
                }

                @Override
                public void copyName(byte[] dst, int offset) {
                    Name.of(entries.get(i).name()).copyTo(dst, offset);
                }

                @Override
                public long inode() {
                    return entries.get(i).ino();
                }

                @Override
                public FileType fileType() {
                    return entries.get(i).type();
                }
            };
        }

        @Override
        public byte[] readSymlink(long ino) {
            return "target".getBytes();
        }

        @Override
        public List<Xattr> xattrs(long ino) {
            return ino == 3 ? List.of(Xattr.of("user.a", new byte[] {1})) : List.of();
        }

        @Override
        public Content content(long ino) {
            return new Content.Inline(new byte[] {7, 8, 9});
        }

        @Override
        public void close() {
        }
    }

    private static final Map<Long, Integer> MODES = Map.of(0L, 040755, 1L, 040700, 2L, 040755, 3L, 0100644, 4L, 0120777);

    @Test
    void hardLinksShareOneInodeObject() throws IOException {
        FakeImage image = new FakeImage(MODES, Map.of(
                0L, List.of(new Entry("a", 3, FileType.REGULAR), new Entry("d", 1, FileType.DIRECTORY),
                        new Entry("l", 4, FileType.SYMLINK)),
                1L, List.of(new Entry("b", 3, FileType.REGULAR), new Entry("e", 2, FileType.DIRECTORY)),
                2L, List.of()));
        Tree tree = ImageTree.read(image);
        assertSame(tree.lookup("/a".getBytes()), tree.lookup("/d/b".getBytes()));
        assertArrayEquals(new byte[] {7, 8, 9}, tree.lookup("/a".getBytes()).content());
        assertEquals(List.of(Xattr.of("user.a", new byte[] {1})), tree.lookup("/d/b".getBytes()).xattrs());
        assertArrayEquals("target".getBytes(), tree.lookup("/l".getBytes()).payload());
        assertEquals(new Timespec(2, 1), tree.lookup("/d/e".getBytes()).ctime());
    }

    @Test
    void cycleThroughAnAncestorIsCorruptNotALoop() {
        FakeImage image = new FakeImage(MODES, Map.of(
                0L, List.of(new Entry("d", 1, FileType.DIRECTORY)),
                1L, List.of(new Entry("up", 0, FileType.DIRECTORY))));
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageTree.read(image));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        assertEquals(1, e.inode());
    }

    @Test
    void hardLinkedDirectoryIsCorrupt() {
        FakeImage image = new FakeImage(MODES, Map.of(
                0L, List.of(new Entry("d", 1, FileType.DIRECTORY), new Entry("e", 1, FileType.DIRECTORY)),
                1L, List.of()));
        assertThrows(CorruptImageException.class, () -> ImageTree.read(image));
    }

    @Test
    void entryTypeMustMatchItsInode() {
        FakeImage image = new FakeImage(MODES, Map.of(0L, List.of(new Entry("a", 3, FileType.SYMLINK))));
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageTree.read(image));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void badNamesAreCorrupt() {
        FakeImage image = new FakeImage(MODES, Map.of(0L, List.of(new Entry("..", 3, FileType.REGULAR))));
        assertThrows(CorruptImageException.class, () -> ImageTree.read(image));
        FakeImage dup = new FakeImage(MODES, Map.of(0L, List.of(new Entry("a", 3, FileType.REGULAR), new Entry("a", 4, FileType.SYMLINK))));
        assertThrows(CorruptImageException.class, () -> ImageTree.read(dup));
    }

    /** A chain of {@code levels} directories below the root: inode i contains "d" = inode i + 1. */
    private static FakeImage chain(int levels) {
        Map<Long, Integer> modes = new java.util.HashMap<>();
        Map<Long, List<Entry>> dirs = new java.util.HashMap<>();
        for (long i = 0; i <= levels; i++) {
            modes.put(i, 040755);
            dirs.put(i, i < levels ? List.of(new Entry("d", i + 1, FileType.DIRECTORY)) : List.of());
        }
        return new FakeImage(modes, dirs);
    }

    @Test
    void nestingIsLimited() throws IOException {
        Tree deepest = ImageTree.read(chain(ImageTree.MAX_DEPTH));
        assertTrue(deepest.root().isDirectory());
        CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageTree.read(chain(ImageTree.MAX_DEPTH + 1)));
        assertTrue(e.getMessage().contains("deeper than " + ImageTree.MAX_DEPTH), e.getMessage());
        assertEquals(ImageTree.MAX_DEPTH, e.inode());
    }

    @Test
    void rootMustBeADirectory() {
        FakeImage image = new FakeImage(Map.of(0L, 0100644), Map.of());
        assertThrows(CorruptImageException.class, () -> ImageTree.read(image));
    }
}
