package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.ImageData;
import java.io.IOException;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The predicates that let a walk check an inode's data and xattr body without building objects
 * ({@link InodeData#fits}, {@link ErofsXattrs#bodyFits}) accept exactly what the rule-by-rule checks
 * accept ({@link InodeData#explain}, {@link ErofsXattrs#explainBody}), around every edge.
 */
class InodeDataPropertyTest {
    private static final Path NAME = Path.of("data.img");
    private static final int[] LAYOUTS = {
        ErofsLayout.EROFS_INODE_FLAT_PLAIN, ErofsLayout.EROFS_INODE_FLAT_INLINE, ErofsLayout.EROFS_INODE_CHUNK_BASED};

    @Property(tries = 20000)
    void dataFitsWhereTheRulesPass(@ForAll @IntRange(max = 2) int layoutIndex, @ForAll("sizes") long size,
                                   @ForAll("us") long u, @ForAll("offsets") long inlineOffset,
                                   @ForAll("fileSizes") int fileSize) throws IOException {
        ImageData data = ImageData.wrap(new byte[fileSize], NAME);
        int layout = LAYOUTS[layoutIndex];
        // A compact inode without xattrs: its inline tail or chunk map starts right after its 32 bytes.
        ErofsInode inode = new ErofsInode(7, inlineOffset - ErofsLayout.COMPACT_INODE_SIZE, false, layout, 0100644, 1,
                size, u, 0, 0, 0, 0, 0);
        boolean fits = InodeData.fits(data, layout, size, u, inode.inlineOffset());
        Statistics.label("fits").collect(fits);
        assertEquals(passes(new InodeData(data, inode)::explain), fits, inode + " in a file of " + fileSize + " bytes");
        Statistics.label("fits").coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    /** An 8-byte chunk index is aligned to 8 bytes: here the unaligned map would fit, the aligned one does not. */
    @Example
    void indexedChunkMapsStartAtTheNext8Bytes() throws IOException {
        ImageData data = ImageData.wrap(new byte[4100], NAME);
        long indexed4k = ErofsLayout.EROFS_CHUNK_FORMAT_INDEXES;
        assertFalse(InodeData.fits(data, ErofsLayout.EROFS_INODE_CHUNK_BASED, 4096, indexed4k, 4090));
        assertTrue(InodeData.fits(data, ErofsLayout.EROFS_INODE_CHUNK_BASED, 4096, indexed4k, 4088));
        assertTrue(InodeData.fits(data, ErofsLayout.EROFS_INODE_CHUNK_BASED, 4096, 0, 4090));
    }

    @Property(tries = 5000)
    void bodyFitsWhereTheRulesPass(@ForAll @IntRange(max = 9) int icount, @ForAll @IntRange(max = 255) int shared,
                                   @ForAll @IntRange(max = 120) int bodyAt, @ForAll @IntRange(max = 160) int fileSize)
            throws IOException {
        byte[] bytes = new byte[fileSize];
        int sharedAt = bodyAt + XattrLayout.OFF_SHARED_COUNT;
        if (sharedAt < fileSize) {
            bytes[sharedAt] = (byte) shared;
        }
        ImageData data = ImageData.wrap(bytes, NAME);
        ErofsXattrs xattrs = new ErofsXattrs(data, null);
        int size = XattrLayout.bodySize(icount);
        ErofsInode inode = new ErofsInode(7, bodyAt - ErofsLayout.COMPACT_INODE_SIZE, false, 0, 0100644, 1, 0, 0, 0, 0,
                0, 0, size);
        boolean fits = xattrs.bodyFits(bodyAt, size);
        Statistics.label("fits").collect(fits);
        assertEquals(passes(() -> xattrs.explainBody(inode)), fits, inode + " in a file of " + fileSize + " bytes");
        Statistics.label("fits").coverage(c -> c.check(true).percentage(p -> p > 10));
    }

    private interface Check {
        void run() throws IOException;
    }

    private static boolean passes(Check check) {
        try {
            check.run();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Provide
    Arbitrary<Long> sizes() {
        return Arbitraries.oneOf(Arbitraries.of(0L, 1L, 4095L, 4096L, 4097L, 8192L, 12287L, 1L << 40, Long.MAX_VALUE),
                Arbitraries.longs().between(0, 20000), Arbitraries.longs().between(0, Long.MAX_VALUE));
    }

    @Provide
    Arbitrary<Long> us() {
        // Block addresses in and past the file; chunk formats (block bits, indexes, unknown bits).
        return Arbitraries.oneOf(Arbitraries.of(0L, 1L, 2L, 3L, 0x1fL, 0x20L, 0x21L, 0x3fL, 0x40L, 0x8000L, 0xFFFFFFFFL),
                Arbitraries.longs().between(0, 0xFFFFFFFFL));
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.oneOf(Arbitraries.of(32L, 4064L, 4092L, 4095L, 4096L, 4100L, 8190L, 12000L),
                Arbitraries.longs().between(32, 13000));
    }

    @Provide
    Arbitrary<Integer> fileSizes() {
        return Arbitraries.oneOf(Arbitraries.of(4096, 8192, 12288, 12289, 16384), Arbitraries.integers().between(0, 16384));
    }
}
