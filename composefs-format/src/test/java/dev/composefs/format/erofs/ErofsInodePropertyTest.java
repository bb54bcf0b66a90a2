package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Outcome;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

    @BeforeContainer
    static void makeSample() throws IOException {
        sample = ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT);
        ImageData data = ImageData.wrap(sample, NAME);
        try (ErofsReader raw = ErofsReader.open(data, ImageView.RAW)) {
            nid = raw.lookup(raw.rootInode(), Name.of("external"));
            volume = ErofsVolume.read(data);
            offset = (int) volume.inodeOffset(nid, data.size());
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

    @Provide
    Arbitrary<byte[]> headers() {
        // i_format: version bit and data layout, sometimes with unknown bits.
        Arbitrary<Integer> formats = Arbitraries.oneOf(Arbitraries.integers().between(0, 15),
                Arbitraries.of(0x10, 0x8000, 0xffff, 0x19));
        Arbitrary<Integer> icounts = Arbitraries.oneOf(Arbitraries.of(0, 1, 2, 3, 100, 0xffff), Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> modes = Arbitraries.oneOf(
                Arbitraries.of(0100644, 040755, 0120777, 020644, 060644, 010644, 0140755, 0, 0170644),
                Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.of(0L, 1L, 4096L, -1L, Long.MAX_VALUE, 1L << 40), Arbitraries.longs());
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofSize(64);
        return Combinators.combine(noise, formats, icounts, modes, sizes).as((bytes, format, icount, mode, size) -> {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putShort(InodeRecord.OFF_FORMAT, (short) (int) format).putShort(InodeRecord.OFF_XATTR_ICOUNT, (short) (int) icount)
                    .putShort(InodeRecord.OFF_MODE, (short) (int) mode).putLong(InodeRecord.OFF_EXTENDED_SIZE, size);
            return bytes;
        });
    }
}
