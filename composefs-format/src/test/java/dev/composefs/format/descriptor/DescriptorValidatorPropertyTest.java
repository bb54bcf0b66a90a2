package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.DIGEST;
import static dev.composefs.format.descriptor.DescriptorLayout.INODE_SIZE;
import static dev.composefs.format.descriptor.DescriptorLayout.ST_MODE;
import static dev.composefs.format.descriptor.DescriptorLayout.ST_SIZE;
import static dev.composefs.format.descriptor.DescriptorLayout.VARIABLE_DATA;
import static dev.composefs.format.descriptor.DescriptorLayout.XATTRS;
import static dev.composefs.format.descriptor.SampleDescriptors.inodeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Outcome;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link DescriptorValidator#inode}'s quick predicate must accept exactly the inodes its rule-by-rule
 * check accepts: for any fixed part, both give the same type or the same report.
 */
class DescriptorValidatorPropertyTest {
    private static final Path NAME = Path.of("inode.cfs");

    @Property(tries = 5000)
    void theQuickCheckAgreesWithTheRuleByRuleOne(@ForAll("inodes") byte[] inode) throws IOException {
        byte[] image = SampleDescriptors.expected1().clone();
        System.arraycopy(inode, 0, image, inodeAt(1), INODE_SIZE);
        DescriptorReader reader = DescriptorReader.open(ImageData.wrap(image, NAME));
        DescriptorValidator v = new DescriptorValidator(reader);
        assertEquals(Outcome.of(() -> v.explain(1, reader.inode(1))), Outcome.of(() -> v.inode(1, reader.inode(1))));
    }

    @Provide
    Arbitrary<byte[]> inodes() {
        int vdataLength = SampleDescriptors.T1_SIZE - SampleDescriptors.T1_VDATA;
        Arbitrary<Integer> modes = Arbitraries.oneOf(
                Arbitraries.of(0100644, 040755, 0120777, 020644, 060644, 010644, 0140755, 0, 0170644, 0200000 | 0100644,
                        0100644 | 07000),
                Arbitraries.integers());
        Arbitrary<Long> sizes = Arbitraries.oneOf(Arbitraries.of(0L, 1L, 5L, 4096L, -1L, Long.MAX_VALUE, Long.MIN_VALUE),
                Arbitraries.longs());
        Arbitrary<Long> offsets = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 56L, (long) vdataLength - 1, (long) vdataLength, -1L, Long.MAX_VALUE, 1L << 32),
                Arbitraries.longs().between(0, vdataLength + 8));
        Arbitrary<Long> lengths = Arbitraries.oneOf(
                Arbitraries.of(0L, 1L, 7L, 32L, 33L, (long) vdataLength, (long) vdataLength + 1, 0xffffffffL),
                Arbitraries.longs().between(0, vdataLength + 8));
        Arbitrary<long[]> refs = Combinators.combine(offsets, lengths, offsets, lengths, offsets, lengths)
                .as((a, b, c, d, e, f) -> new long[] {a, b, c, d, e, f});
        Arbitrary<byte[]> noise = Arbitraries.bytes().array(byte[].class).ofSize(INODE_SIZE);
        return Combinators.combine(noise, modes, sizes, refs).as((bytes, mode, size, r) -> {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(ST_MODE, mode).putLong(ST_SIZE, size);
            int[] fields = {VARIABLE_DATA, XATTRS, DIGEST};
            for (int i = 0; i < 3; i++) {
                b.putLong(fields[i], r[2 * i]).putInt(fields[i] + 8, (int) r[2 * i + 1]);
            }
            return bytes;
        });
    }
}
