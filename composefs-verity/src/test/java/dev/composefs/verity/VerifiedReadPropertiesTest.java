package dev.composefs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Whatever bytes are changed after open and whatever is read, a verified channel never returns a
 * byte that differs from the original, and fails exactly when a read starts in a changed block.
 */
class VerifiedReadPropertiesTest {
    private static final int BS = 4096;

    @Provide
    Arbitrary<byte[]> contents() {
        return Arbitraries.integers().between(1, 80 * BS).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
    }

    @Provide
    Arbitrary<List<Integer>> tamperings() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE).list().ofMaxSize(4);
    }

    @Provide
    Arbitrary<List<Tuple2<Integer, Integer>>> reads() {
        return Arbitraries.integers().between(0, Integer.MAX_VALUE)
                .flatMap(p -> Arbitraries.integers().between(1, 3 * BS).map(l -> Tuple.of(p, l)))
                .list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 40)
    void neverServesAChangedByte(@ForAll("contents") byte[] data, @ForAll("tamperings") List<Integer> tamper,
                                 @ForAll("reads") List<Tuple2<Integer, Integer>> reads) throws IOException {
        Path f = Files.createTempFile("verified", ".bin");
        try {
            Files.write(f, data);
            FsVerityDigest digest = new FsVerityHasher().update(data).digest();
            try (VerifiedChannel ch = VerifiedChannel.open(f, digest)) {
                Set<Integer> badBlocks = new TreeSet<>();
                try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    for (int t : tamper) {
                        int off = t % data.length;
                        w.write(ByteBuffer.wrap(new byte[] {(byte) ~data[off]}), off);
                        badBlocks.add(off / BS);
                    }
                }
                for (Tuple2<Integer, Integer> r : reads) {
                    int pos = r.get1() % data.length;
                    ByteBuffer b = ByteBuffer.allocate(r.get2());
                    try {
                        int n = ch.read(b, pos);
                        assertTrue(n > 0);
                        assertArrayEquals(Arrays.copyOfRange(data, pos, pos + n), Arrays.copyOf(b.array(), n));
                        // A small file is served whole from what was verified at open; a larger one block
                        // by block, so a block changed since then must fail, not be served.
                        for (int blk = pos / BS; data.length > VerifiedChannel.WHOLE_FILE_MAX && blk <= (pos + n - 1) / BS; blk++) {
                            assertTrue(!badBlocks.contains(blk), "served bytes of changed block " + blk);
                        }
                    } catch (VerityException e) {
                        if (data.length <= VerifiedChannel.WHOLE_FILE_MAX || !badBlocks.contains(pos / BS)) {
                            fail("read at " + pos + " failed though its first block is intact: " + e.getMessage());
                        }
                    }
                }
            }
        } finally {
            Files.delete(f);
        }
    }
}
