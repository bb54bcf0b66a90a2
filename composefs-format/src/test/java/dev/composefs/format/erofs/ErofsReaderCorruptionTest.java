package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.UnsupportedImageException;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Damaged EROFS images: every truncation, mutations of every header, superblock, inode, dirent and
 * xattr byte, targeted faults (addresses past the end, bad nameoff, oversized xattr counts, directory
 * cycles, unknown features) and random mutations. The reader must answer with a
 * {@link CorruptImageException} or {@link UnsupportedImageException} naming the file, or read a
 * consistent image, and never fail otherwise or loop.
 */
class ErofsReaderCorruptionTest {
    private static final Path NAME = Path.of("mutated.img");
    private static byte[] sample;
    private static List<Long> nids;

    @BeforeAll
    static void makeSample() throws IOException {
        sample = ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT);
        nids = new ArrayList<>();
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(sample, NAME), ImageView.RAW)) {
            nids.add(raw.rootInode());
            for (String n : List.of("dir", "dir/gone", "inline", "external", "sha512", "nopath", "symlink", "chr", "sub", "00", "ff")) {
                long ino = raw.rootInode();
                for (String part : n.split("/")) {
                    ino = raw.lookup(ino, Name.of(part));
                }
                nids.add(ino);
            }
        }
    }

    /** Opens {@code bytes} in both views and walks everything; returns the data fault, or null if none. */
    static IOException openAndWalk(byte[] bytes) {
        return openAndWalk(bytes, true);
    }

    /**
     * Opens {@code bytes} in both views and walks the raw view, and the mounted view too if
     * {@code walkMounted}; returns the data fault, or null if none.
     */
    static IOException openAndWalk(byte[] bytes, boolean walkMounted) {
        for (ImageView view : ImageView.values()) {
            try (Image img = Image.open(ImageData.wrap(bytes, NAME), view)) {
                if (view == ImageView.RAW || walkMounted) {
                    ImageWalk.walk(img);
                }
            } catch (CorruptImageException | UnsupportedImageException e) {
                assertTrue(e.getMessage().contains(NAME.toString()), e.getMessage());
                return e;
            } catch (IOException e) {
                throw new AssertionError("unexpected " + e, e);
            }
        }
        return null;
    }

    private static byte[] mutate(int offset, int value) {
        byte[] b = sample.clone();
        b[offset] = (byte) value;
        return b;
    }

    private static void mutateEach(long from, long to) {
        for (long i = from; i < Math.min(to, sample.length); i++) {
            int original = sample[(int) i] & 0xff;
            for (int v : new int[] {original ^ 0xff, original + 1}) {
                openAndWalk(mutate((int) i, v), false);
            }
        }
    }

    @Test
    void sampleIsValid() {
        assertEquals(null, openAndWalk(sample));
    }

    @Test
    void everyTruncationIsReported() {
        for (int length = 0; length < sample.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(sample, length);
            IOException e = openAndWalk(cut);
            assertNotNull(e, "truncated to " + length);
            if (length >= 4) {
                assertInstanceOf(CorruptImageException.class, e, "truncated to " + length);
            }
        }
    }

    @Test
    void everyHeaderAndSuperblockByte() {
        mutateEach(0, ComposefsHeader.SIZE);
        mutateEach(ErofsLayout.EROFS_SUPER_OFFSET, ErofsLayout.EROFS_SUPER_OFFSET + Superblock.SIZE);
    }

    @Test
    void everyInodeByte() throws IOException {
        ImageData data = ImageData.wrap(sample, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        // One inode of each kind: root, directory, whiteout, inline file, external file, symlink, device, stub.
        for (int i : new int[] {0, 1, 2, 3, 4, 7, 8, 10}) {
            ErofsInode inode = ErofsInode.read(data, volume, nids.get(i));
            long end = inode.inlineOffset() + (inode.type() == dev.composefs.format.tree.FileType.DIRECTORY ? 64 : 16);
            mutateEach(inode.offset(), end);
        }
    }

    @Test
    void everyDirentAndSharedXattrByte() throws IOException {
        ImageData data = ImageData.wrap(sample, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        for (long nid : List.of(nids.get(0), nids.get(1))) {
            ErofsDirectory dir = new ErofsDirectory(data, ErofsInode.read(data, volume, nid));
            for (int b = 0; b < dir.blockCount(); b++) {
                long start = dir.blockOffset(b);
                int entries = dir.entryCount(b);
                mutateEach(start, start + Math.min(entries * 12L + 12, 100));
                long lastName = dir.nameOffset(b, entries - 1);
                mutateEach(lastName - 8, lastName + dir.nameLength(b, entries - 1) + 2);
            }
        }
        // The shared xattr table follows the last inode in block xattr_blkaddr; mutate its first entries.
        long firstShared = sharedTableStart(data, volume);
        mutateEach(firstShared, firstShared + 64);
    }

    /** The lowest offset a shared xattr id of the sample names. */
    private static long sharedTableStart(ImageData data, ErofsVolume volume) throws IOException {
        long lowest = Long.MAX_VALUE;
        for (long nid : nids) {
            ErofsInode inode = ErofsInode.read(data, volume, nid);
            if (inode.xattrSize() > 0) {
                int shared = data.u8(inode.xattrOffset() + XattrLayout.OFF_SHARED_COUNT);
                for (int i = 0; i < shared; i++) {
                    long id = data.u32(inode.xattrOffset() + XattrLayout.IBODY_HEADER_SIZE + 4L * i);
                    lowest = Math.min(lowest, volume.xattrBase() + 4 * id);
                }
            }
        }
        assertTrue(lowest < Long.MAX_VALUE, "the sample has shared xattrs");
        return lowest;
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static CorruptImageException corrupt(byte[] bytes, String fragment) {
        IOException e = openAndWalk(bytes);
        assertInstanceOf(CorruptImageException.class, e);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        return (CorruptImageException) e;
    }

    private static void unsupported(byte[] bytes, String fragment) {
        IOException e = openAndWalk(bytes);
        assertInstanceOf(UnsupportedImageException.class, e);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static long inodeOffset(int index) {
        return nids.get(index) * ErofsLayout.INODE_SLOT_SIZE;
    }

    @Test
    void targetedFaults() throws IOException {
        int sb = ErofsLayout.EROFS_SUPER_OFFSET;
        byte[] b = sample.clone();
        le(b).putShort(sb + Superblock.OFF_ROOT_NID, (short) 0xFFFF);
        assertEquals(sb + Superblock.OFF_ROOT_NID, corrupt(b, "past the end").offset());

        b = sample.clone();
        le(b).putInt(sb + Superblock.OFF_BLOCKS, le(b).getInt(sb + Superblock.OFF_BLOCKS) + 1);
        corrupt(b, "truncated");

        b = sample.clone();
        le(b).putInt(sb + Superblock.OFF_FEATURE_INCOMPAT, 0x80);
        unsupported(b, "incompat");
        b = sample.clone();
        le(b).putInt(sb + Superblock.OFF_FEATURE_COMPAT, 0x100);
        unsupported(b, "compat");
        b = sample.clone();
        b[sb + Superblock.OFF_BLKSZBITS] = 13;
        unsupported(b, "block size");
        b = sample.clone();
        le(b).putInt(ComposefsHeader.OFF_VERSION, 2);
        unsupported(b, "header version");
        b = sample.clone();
        le(b).putInt(sb + Superblock.OFF_FEATURE_COMPAT, le(b).getInt(sb + Superblock.OFF_FEATURE_COMPAT) | 1);
        corrupt(b, "checksum");

        b = sample.clone();
        long root = inodeOffset(0);
        le(b).putShort((int) root + InodeRecord.OFF_FORMAT, (short) (1 << 1));
        unsupported(b, "compressed");

        b = sample.clone();
        le(b).putShort((int) root + InodeRecord.OFF_XATTR_ICOUNT, (short) 0xFFFF);
        corrupt(b, "");

        b = sample.clone();
        b[(int) root + 32 + XattrLayout.OFF_SHARED_COUNT] = (byte) 255;
        corrupt(b, "shared xattr ids");
    }

    @Test
    void directoryFaults() throws IOException {
        ImageData data = ImageData.wrap(sample, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsDirectory root = new ErofsDirectory(data, ErofsInode.read(data, volume, nids.get(0)));
        int[] dirEntry = find(root, "dir");
        int[] subEntry = find(root, "sub");

        byte[] b = sample.clone();
        le(b).putLong((int) (root.blockOffset(dirEntry[0]) + dirEntry[1] * 12L), nids.get(0));
        CorruptImageException e = corrupt(b, "is the root");
        assertEquals(nids.get(0).longValue(), e.inode());

        b = sample.clone();
        le(b).putLong((int) (root.blockOffset(subEntry[0]) + subEntry[1] * 12L), nids.get(1));
        corrupt(b, "already has a name");

        b = sample.clone();
        long direntOfDir = root.blockOffset(dirEntry[0]) + dirEntry[1] * 12L;
        le(b).putLong((int) direntOfDir, 1L << 40);
        e = corrupt(b, "past the end of the file");
        assertEquals(direntOfDir, e.offset());
        assertEquals(nids.get(0).longValue(), e.inode());

        b = sample.clone();
        le(b).putShort((int) root.blockOffset(0) + Dirent.OFF_NAMEOFF, (short) 0xFFFF);
        corrupt(b, "nameoff");

        b = sample.clone();
        le(b).putShort((int) (root.blockOffset(0) + 12 + Dirent.OFF_NAMEOFF), (short) 0xFFF0);
        corrupt(b, "nameoff");

        b = sample.clone();
        b[(int) (root.blockOffset(dirEntry[0]) + dirEntry[1] * 12L + Dirent.OFF_FILE_TYPE)] = Dirent.EROFS_FT_REG_FILE;
        corrupt(b, "file type");

        ErofsInode sub = ErofsInode.read(data, volume, nids.get(9));
        ErofsDirectory subDir = new ErofsDirectory(data, sub);
        int[] dotdot = find(subDir, "..");
        b = sample.clone();
        le(b).putLong((int) (subDir.blockOffset(dotdot[0]) + dotdot[1] * 12L), nids.get(1));
        corrupt(b, "'..'");

        b = sample.clone();
        le(b).putShort((int) sub.offset() + InodeRecord.OFF_COMPACT_NLINK, (short) 3);
        if (sub.extended()) {
            le(b).putInt((int) sub.offset() + InodeRecord.OFF_EXTENDED_NLINK, 3);
        }
        corrupt(b, "nlink");

        ErofsInode rootInode = ErofsInode.read(data, volume, nids.get(0));
        assertTrue(root.blockCount() > 1 || rootInode.dataLayout() == ErofsLayout.EROFS_INODE_FLAT_PLAIN,
                "the root's 266 entries need a data block");
        b = sample.clone();
        le(b).putInt((int) rootInode.offset() + InodeRecord.OFF_U, 0x7FFFFFFF);
        corrupt(b, "data blocks");
        b = sample.clone();
        le(b).putInt((int) rootInode.offset() + InodeRecord.OFF_U, (int) (sample.length / ErofsLayout.BLOCK_SIZE));
        corrupt(b, "data blocks");
    }

    @Test
    void externalFileFaults() throws IOException {
        ImageData data = ImageData.wrap(sample, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsInode external = ErofsInode.read(data, volume, nids.get(4));
        assertEquals(ErofsLayout.EROFS_INODE_CHUNK_BASED, external.dataLayout());
        byte[] b = sample.clone();
        le(b).putShort((int) external.offset() + InodeRecord.OFF_U, (short) 0x40);
        unsupported(b, "chunk format");
        b = sample.clone();
        le(b).putShort((int) external.offset() + InodeRecord.OFF_FORMAT, (short) (external.extended() ? 1 : 0));
        corrupt(b, "");
        b = sample.clone();
        int metacopy = indexOf(b, "metacopy".getBytes(java.nio.charset.StandardCharsets.US_ASCII), (int) external.xattrOffset());
        b[metacopy + "metacopy".length() + 1] = 99;
        corrupt(b, "ovl_metacopy");
    }

    private static int indexOf(byte[] b, byte[] key, int from) {
        for (int i = from; i + key.length <= b.length; i++) {
            if (java.util.Arrays.equals(b, i, i + key.length, key, 0, key.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void namesOutOfOrderAreReportedWithTheNameBefore() throws IOException {
        Inode top = new Inode(040755).nlink(2);
        for (int i = 0; i < 400; i++) {
            top.addChild(Name.of(String.format("file-%04d", i)), new Inode(0100644));
        }
        byte[] image = ErofsReaderRoundTripTest.image(new Tree(top), ErofsWriterOptions.DEFAULT);
        ImageData data = ImageData.wrap(image, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsDirectory root = new ErofsDirectory(data, ErofsInode.read(data, volume, volume.rootNid()));
        assertTrue(root.blockCount() > 1, "400 entries need two blocks");

        byte[] b = image.clone();
        b[(int) root.nameOffset(0, 5)] = (byte) '~';
        corrupt(b, "dirent '" + name(root, 0, 6) + "' does not sort after '~" + name(root, 0, 5).substring(1) + "'");

        b = image.clone();
        b[(int) root.nameOffset(1, 0)] = (byte) '!';
        corrupt(b, "dirent '!" + name(root, 1, 0).substring(1) + "' does not sort after '"
                + name(root, 0, root.entryCount(0) - 1) + "'");
    }

    private static String name(ErofsDirectory dir, int block, int entry) throws IOException {
        byte[] bytes = new byte[dir.nameLength(block, entry)];
        dir.copyName(block, entry, bytes, 0);
        return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static int[] find(ErofsDirectory dir, String name) throws IOException {
        byte[] key = name.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int b = 0; b < dir.blockCount(); b++) {
            for (int e = 0; e < dir.entryCount(b); e++) {
                if (dir.compare(b, e, key, 0, key.length) == 0) {
                    return new int[] {b, e};
                }
            }
        }
        throw new AssertionError(name + " not found");
    }

    @Test
    void hostileRedirectsAreRefused() throws IOException {
        Inode root = new Inode(040755).nlink(2);
        root.addChild(Name.of("f"), new Inode(0100644).size(10).payload("../../etc/passwd".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        byte[] bytes = ErofsReaderRoundTripTest.image(new Tree(root), ErofsWriterOptions.DEFAULT);
        corrupt(bytes, "'..' component");
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(bytes, NAME), ImageView.RAW)) {
            long f = raw.lookup(raw.rootInode(), Name.of("f"));
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> raw.content(f));
            assertEquals(f, e.inode());
        }
    }

    @Provide
    Arbitrary<List<int[]>> mutations() {
        Arbitrary<int[]> one = Combinators.combine(
                Arbitraries.integers().between(0, Math.min(sample.length, 3 * ErofsLayout.BLOCK_SIZE) - 1),
                Arbitraries.integers().between(0, 255)).as((o, v) -> new int[] {o, v});
        return one.list().ofMinSize(1).ofMaxSize(8);
    }

    @Property(tries = 400)
    void randomMutationsNeverEscapeTheExceptionContract(@ForAll("mutations") List<int[]> mutations) {
        byte[] b = sample.clone();
        for (int[] m : mutations) {
            b[m[0]] = (byte) m[1];
        }
        openAndWalk(b);
    }

    @Provide
    Arbitrary<byte[]> mutatedImagesOfRandomTrees() {
        Arbitrary<Tree> trees = dev.composefs.format.tree.TreeArbitraries.trees(
                dev.composefs.format.tree.TreeArbitraries.Options.all().withMaxInodes(16));
        Arbitrary<List<int[]>> mutations = Combinators.combine(Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.integers().between(0, 255)).as((o, v) -> new int[] {o, v}).list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(trees, mutations).as((tree, m) -> {
            try {
                byte[] b = ErofsReaderRoundTripTest.image(tree, ErofsWriterOptions.DEFAULT);
                // Hit the metadata (the first blocks) far more often than the data blocks.
                int metadata = Math.min(b.length, 3 * ErofsLayout.BLOCK_SIZE);
                for (int[] x : m) {
                    b[x[0] % (x[0] % 4 == 0 ? b.length : metadata)] = (byte) x[1];
                }
                return b;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Property(tries = 150)
    void mutatedImagesOfRandomTreesNeverEscapeTheExceptionContract(@ForAll("mutatedImagesOfRandomTrees") byte[] image) {
        openAndWalk(image);
    }

    /**
     * 40 symlinks with 4090-byte targets, each in its own data block, patched so that all share the
     * first one's block and the image ends after it.
     */
    private static byte[] symlinksSharingOneBlock() throws IOException {
        int count = 40;
        Inode root = new Inode(040755).nlink(2);
        for (int i = 0; i < count; i++) {
            byte[] target = new byte[4090];
            java.util.Arrays.fill(target, (byte) ('a' + i % 26));
            root.addChild(Name.of("link" + i), new Inode(0120777).size(target.length).payload(target));
        }
        byte[] b = ErofsReaderRoundTripTest.image(new Tree(root), ErofsWriterOptions.DEFAULT);
        ImageData data = ImageData.wrap(b, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        List<ErofsInode> links = new ArrayList<>();
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(b.clone(), NAME), ImageView.RAW)) {
            for (int i = 0; i < count; i++) {
                links.add(ErofsInode.read(data, volume, raw.lookup(raw.rootInode(), Name.of("link" + i))));
            }
        }
        long first = Long.MAX_VALUE;
        for (ErofsInode l : links) {
            assertEquals(ErofsLayout.EROFS_INODE_FLAT_PLAIN, l.dataLayout());
            first = Math.min(first, l.u());
        }
        for (ErofsInode l : links) {
            le(b).putInt((int) l.offset() + InodeRecord.OFF_U, (int) first);
        }
        int blocks = (int) first + 1;
        b = java.util.Arrays.copyOf(b, blocks * ErofsLayout.BLOCK_SIZE);
        le(b).putInt(ErofsLayout.EROFS_SUPER_OFFSET + Superblock.OFF_BLOCKS, blocks);
        return b;
    }

    /**
     * Structures shared by several inodes cost each call that reads them its own answer only: nothing
     * walks every inode, so 40 symlinks sharing one target block read as 40 symlinks to that target,
     * and open reads none of them.
     */
    @Test
    void sharedStructuresCostEachCallItsOwnAnswer() throws IOException {
        byte[] b = symlinksSharingOneBlock();
        assertEquals(null, openAndWalk(b), "sharing is tolerated");
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(b, NAME), ImageView.RAW)) {
            byte[] first = raw.readSymlink(raw.lookup(raw.rootInode(), Name.of("link0")));
            assertEquals(4090, first.length);
            for (int i = 1; i < 40; i++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first,
                        raw.readSymlink(raw.lookup(raw.rootInode(), Name.of("link" + i))));
            }
        }
    }
}
