package dev.composefs.format.erofs;

/**
 * How composefs splits an external file into chunks: the smallest power-of-two chunk, at least one
 * block, that holds the whole file, capped at 2^{@value ErofsLayout#MAX_CHUNK_BITS} bytes; only files
 * over 8 TiB get more than one chunk. Sizes are unsigned 64-bit.
 */
final class ChunkLayout {
    private ChunkLayout() {
    }

    /** log2 of the chunk size for a file of {@code size} bytes (size &gt; 0). */
    static int chunkBits(long size) {
        int bits = 64 - Long.numberOfLeadingZeros(size - 1);
        return Math.min(ErofsLayout.MAX_CHUNK_BITS, Math.max(ErofsLayout.BLOCK_SIZE_BITS, bits));
    }

    /** The number of chunks of a file of {@code size} bytes; 0 for an empty file. */
    static long chunkCount(long size) {
        if (size == 0) {
            return 0;
        }
        return ((size - 1) >>> chunkBits(size)) + 1;
    }
}
