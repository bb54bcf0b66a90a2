package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Outcome;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@link ErofsInode#read}'s quick path must decode exactly what its rule-by-rule check accepts: for
 * any header, in a whole or a cut file, both give the same inode or the same report.
 */
class ErofsInodePropertyTest {
    private static final Path NAME = Path.of("inode.img");
    private static byte[] sample;
    private static long nid;
    private static int offset;
    /** The sample's volume: a cut file would not pass the superblock's checks, and its inodes are what is tested. */
    private static ErofsVolume volume;
    /** Where a compact inode's xattr body keeps its shared-id count. */
    private static final int COMPACT_SHARED_COUNT = ErofsLayout.COMPACT_INODE_SIZE + XattrLayout.OFF_SHARED_COUNT;

    /** Inodes of the sample for {@link #thePlainStatusIsTheGeneralPathsOrNone}, and where they are. */
    private static long[] baseNids;
    private static long[] baseOffsets;

    @BeforeContainer
    static void makeSample() throws IOException {
        sample = ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT);
        ImageData data = ImageData.wrap(sample, NAME);
        try (ErofsReader raw = ErofsReader.open(data, ImageView.RAW)) {
            nid = raw.lookup(raw.rootInode(), Name.of("external"));
            volume = ErofsVolume.read(data);
            offset = (int) volume.inodeOffset(nid, data.size());
            List<String> names = List.of("inline", "external", "empty", "symlink", "chr", "fifo", "sub", "dir", "nopath");
            baseNids = new long[names.size()];
            baseOffsets = new long[names.size()];
            for (int i = 0; i < names.size(); i++) {
                baseNids[i] = raw.lookup(raw.rootInode(), Name.of(names.get(i)));
                baseOffsets[i] = volume.inodeOffset(baseNids[i], data.size());
            }
        }
    }

    @Property(tries = 5000)
    void theQuickPathAgreesWithTheRuleByRuleOne(@ForAll("headers") byte[] header,
                                                 @ForAll @IntRange(min = -1, max = 80) int cut) throws IOException {
        byte[] image = sample.clone();
        System.arraycopy(header, 0, image, offset, header.length);
        if (cut >= 0) {
            image = Arrays.copyOf(image, offset + cut);
        }
        ImageData data = ImageData.wrap(image, NAME);
        assertEquals(Outcome.of(() -> ErofsInode.explain(data, volume, nid)), Outcome.of(() -> ErofsInode.read(data, volume, nid)));
    }

    /**
     * {@link ErofsValidator#plainStat}, which decodes an inode straight into its status, answers only
     * where the general path (decode, check, then the status) passes with that same status, and
     * declines the inodes the mounted view must remember. It must answer often, or the property
     * tests little.
     */
    @Property(tries = 10000)
    void thePlainStatusIsTheGeneralPathsOrNone(@ForAll("bases") int base, @ForAll("edits") List<int[]> edits,
                                               @ForAll @IntRange(min = -40, max = 80) int cut) throws IOException {
        int at = (int) baseOffsets[base];
        byte[] image = sample.clone();
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] e : edits) {
            int v = e[1];
            switch (e[0]) {
                case 0 -> b.putShort(at + InodeRecord.OFF_FORMAT, (short) (v & 0xf | (v >>> 31) << 4));
                case 1 -> b.putShort(at + InodeRecord.OFF_MODE, (short) v);
                case 2 -> b.putShort(at + InodeRecord.OFF_XATTR_ICOUNT, (short) (v & 7));
                case 3 -> b.putInt(at + InodeRecord.OFF_COMPACT_SIZE, v & 0x1fff);
                case 4 -> b.putLong(at + InodeRecord.OFF_EXTENDED_SIZE, v < 0 ? v : v & 0x1fff);
                case 5 -> b.putInt(at + InodeRecord.OFF_U, v);
                default -> image[at + COMPACT_SHARED_COUNT] = (byte) v;
            }
        }
        if (cut >= 0) {
            image = Arrays.copyOf(image, at + cut);
        }
        ImageData data = ImageData.wrap(image, NAME);
        ErofsValidator validator = new ErofsValidator(data, volume, new ErofsXattrs(data, volume));
        long nid = baseNids[base];
        Stat plain = validator.plainStat(nid);
        Statistics.label("answered").collect(plain != null);
        if (plain != null) {
            ErofsInode inode = validator.inode(nid);
            assertEquals(inode.stat(), plain);
            assertFalse(inode.isRawWhiteout(), "a character device with rdev 0 is the general path's");
            assertFalse(inode.type() == FileType.REGULAR && inode.size() == 0 && inode.xattrSize() > 0,
                    "an empty file with xattrs is the general path's");
        }
        Statistics.label("answered").coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    /** One of the sample's inodes: every file type, inline and external data, with and without xattrs. */
    @Provide
    Arbitrary<Integer> bases() {
        return Arbitraries.integers().between(0, baseNids.length - 1);
    }

    /**
     * Up to three fields of an inode set to values near the edges of the rules, so that each rule is
     * the one that decides often enough to be tested: {field, value}.
     */
    @Provide
    Arbitrary<List<int[]>> edits() {
        Arbitrary<int[]> edit = Combinators.combine(Arbitraries.integers().between(0, 6), Arbitraries.oneOf(
                Arbitraries.of(0, 1, 2, 3, 4, 5, 0x10, 0x1f, 0x20, 0x3f, 0x40, 4095, 4096, 0xffff, -1, 0100644,
                        040755, 0120777, 020644, 060644, 010644, 0140755, 0170644),
                Arbitraries.integers())).as((field, value) -> new int[] {field, value});
        return edit.list().ofMaxSize(3);
    }

    @Provide
    Arbitrary<byte[]> headers() {
        // i_format: version bit and data layout, sometimes with unknown bits.
        Arbitrary<Integer> formats = Arbitraries.oneOf(Arbitraries.integers().between(0, 15),
                Arbitraries.of(0x10, 0x8000, 0xffff, 0x19));
        Arbitrary<Integer> icounts = Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 3, 100, 0xffff), Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> modes = Arbitraries.oneOf(
                Arbitraries.of(0100644, 040755, 0120777, 020644, 060644, 010644, 0140755, 0, 0170644),
                Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.of(0L, 1L, 2L, 100L, 4095L, 4096L, 5000L, -1L, Long.MAX_VALUE, 1L << 40), Arbitraries.longs());
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofSize(64);
        return Combinators.combine(noise, formats, icounts, modes, sizes).as((bytes, format, icount, mode, size) -> {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(InodeRecord.OFF_FORMAT, (short) (int) format).putShort(InodeRecord.OFF_XATTR_ICOUNT, (short) (int) icount)
                    .putShort(InodeRecord.OFF_MODE, (short) (int) mode).putLong(InodeRecord.OFF_EXTENDED_SIZE, size);
            return bytes;
        });
    }
}
