package dev.composefs.format.erofs;

import static dev.composefs.format.erofs.ErofsLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.UnsupportedImageException;
import java.io.IOException;

/**
 * Where the data of one inode is, by its data layout:
 * <ul>
 * <li>flat plain: {@code ceil(size / 4096)} consecutive blocks from block {@code i_u};</li>
 * <li>flat inline: the same blocks except the last, whose bytes (the tail) follow the inode's xattr
 *     body and may not cross a block boundary;</li>
 * <li>chunk based: a map of 4-byte block addresses (or 8-byte chunk indexes) after the xattr body,
 *     one per chunk of {@code 2^chunkbits} bytes; {@link #NULL_ADDRESS} marks a hole. composefs stores
 *     its external files this way, as holes only.</li>
 * </ul>
 * {@link #check()} verifies that every byte the layout names lies in the file, with overflow-safe
 * arithmetic; the other methods assume it passed but still go through {@link ImageData}'s bounds checks.
 */
final class InodeData {
    /** A chunk without data ({@code EROFS_NULL_ADDR}), as an unsigned value. */
    static final long NULL_ADDRESS = 0xFFFFFFFFL;
    private static final int CHUNK_FORMAT_KNOWN = EROFS_CHUNK_FORMAT_BLKBITS_MASK | EROFS_CHUNK_FORMAT_INDEXES;
    private static final int CHUNK_INDEX_SIZE = 8;
    /**
     * The most bytes {@link #readAll()} materialises beyond the image's own size: sparse chunk-based
     * files can claim any size, and memory must stay bounded by the input, not by a field in it.
     */
    static final long MAX_SPARSE_READ = 16 << 20;

    private final ImageData data;
    private final ErofsInode inode;

    InodeData(ImageData data, ErofsInode inode) {
        this.data = data;
        this.inode = inode;
    }

    private boolean chunked() {
        return inode.dataLayout() == EROFS_INODE_CHUNK_BASED;
    }

    /** Number of blocks of a flat layout, the inline tail included. */
    private long blockCount() {
        return (inode.size() + BLOCK_SIZE - 1) / BLOCK_SIZE;
    }

    /** Number of blocks stored at {@code i_u}. */
    private long plainBlockCount() {
        return inode.dataLayout() == EROFS_INODE_FLAT_INLINE ? Math.max(0, blockCount() - 1) : blockCount();
    }

    /** Checks that every byte of the data, or of the chunk map, lies within the file. */
    void check() throws IOException {
        if (!fits(data, inode.dataLayout(), inode.size(), inode.u(), inode.inlineOffset())) {
            explain();
        }
    }

    /** {@link #check()}, rule by rule: throws for the first rule the data breaks. */
    void explain() throws IOException {
        long nid = inode.nid();
        if (chunked()) {
            checkChunkFormat();
            data.check(mapOffset(), mapLength(), nid, "chunk map of %d chunks", chunkCount());
            return;
        }
        if (inode.size() > data.size()) {
            throw data.corrupt(inode.offset(), nid, "i_size " + inode.size() + " of a flat inode exceeds the file size " + data.size());
        }
        long plain = plainBlockCount();
        if (plain > 0) {
            long start = inode.u() * BLOCK_SIZE;
            long length = inode.dataLayout() == EROFS_INODE_FLAT_INLINE ? plain * BLOCK_SIZE : inode.size();
            data.check(start, length, nid, "data blocks from block %d", inode.u());
        }
        if (inode.dataLayout() == EROFS_INODE_FLAT_INLINE && inode.size() > 0) {
            long tail = tailLength();
            long at = inode.inlineOffset();
            if (at % BLOCK_SIZE + tail > BLOCK_SIZE) {
                throw data.corrupt(at, nid, "inline data of " + tail + " bytes crosses a block boundary");
            }
            data.check(at, tail, nid, "inline data");
        }
    }

    /**
     * Whether {@link #check()} passes for an inode with these fields, as one predicate: the rules
     * read in the order a first listing meets them, for the callers that decode an inode's fields
     * without building the inode. {@code layout} is flat plain, flat inline or chunk based and
     * {@code size} is not negative, as decoding guarantees.
     *
     * @param inlineOffset where the inline tail or the chunk map starts ({@link ErofsInode#inlineOffset})
     */
    static boolean fits(ImageData data, int layout, long size, long u, long inlineOffset) {
        if (layout == EROFS_INODE_CHUNK_BASED) {
            if ((u & 0xFFFF & ~CHUNK_FORMAT_KNOWN) != 0) {
                return false;
            }
            int bits = BLOCK_SIZE_BITS + (int) (u & EROFS_CHUNK_FORMAT_BLKBITS_MASK);
            long chunks = size == 0 ? 0 : ((size - 1) >>> bits) + 1;
            boolean indexed = (u & EROFS_CHUNK_FORMAT_INDEXES) != 0;
            long map = indexed ? (inlineOffset + CHUNK_INDEX_SIZE - 1) & -CHUNK_INDEX_SIZE : inlineOffset;
            return data.inBounds(map, chunks * (indexed ? CHUNK_INDEX_SIZE : CHUNK_BLOCK_ADDRESS_SIZE));
        }
        if (size > data.size()) {
            return false;
        }
        long blocks = (size + BLOCK_SIZE - 1) / BLOCK_SIZE;
        boolean inline = layout == EROFS_INODE_FLAT_INLINE;
        long plain = inline ? Math.max(0, blocks - 1) : blocks;
        if (plain > 0 && !data.inBounds(u * BLOCK_SIZE, inline ? plain * BLOCK_SIZE : size)) {
            return false;
        }
        if (!inline || size == 0) {
            return true;
        }
        long tail = size - (blocks - 1) * BLOCK_SIZE;
        return inlineOffset % BLOCK_SIZE + tail <= BLOCK_SIZE && data.inBounds(inlineOffset, tail);
    }

    private long tailLength() {
        return inode.size() - (blockCount() - 1) * BLOCK_SIZE;
    }

    private void checkChunkFormat() throws IOException {
        int format = (int) (inode.u() & 0xFFFF);
        if ((format & ~CHUNK_FORMAT_KNOWN) != 0) {
            throw new UnsupportedImageException(data.file() + ": inode " + inode.nid() + " has chunk format 0x"
                    + Integer.toHexString(format) + " with unknown bits");
        }
    }

    private int chunkBits() {
        return BLOCK_SIZE_BITS + (int) (inode.u() & EROFS_CHUNK_FORMAT_BLKBITS_MASK);
    }

    private boolean indexes() {
        return (inode.u() & EROFS_CHUNK_FORMAT_INDEXES) != 0;
    }

    /** The number of chunks of a chunk-based inode. */
    long chunkCount() {
        long size = inode.size();
        return size == 0 ? 0 : ((size - 1) >>> chunkBits()) + 1;
    }

    /** The map follows the xattr body; the kernel aligns 8-byte indexes up to 8 bytes. */
    private long mapOffset() {
        long at = inode.inlineOffset();
        return indexes() ? (at + CHUNK_INDEX_SIZE - 1) & -CHUNK_INDEX_SIZE : at;
    }

    private long mapLength() {
        return chunkCount() * (indexes() ? CHUNK_INDEX_SIZE : CHUNK_BLOCK_ADDRESS_SIZE);
    }

    /**
     * The block address of chunk {@code i}, or {@link #NULL_ADDRESS} for a hole.
     *
     * @throws UnsupportedImageException if an 8-byte index names another device or a 48-bit address
     */
    long chunkAddress(long i) throws IOException {
        if (!indexes()) {
            return data.u32(mapOffset() + i * CHUNK_BLOCK_ADDRESS_SIZE);
        }
        long entry = mapOffset() + i * CHUNK_INDEX_SIZE;
        long address = data.u32(entry + 4);
        if (address != NULL_ADDRESS && (data.u16(entry) != 0 || data.u16(entry + 2) != 0)) {
            throw new UnsupportedImageException(data.file() + ": inode " + inode.nid() + " chunk " + i
                    + " lives on another device or above 2^32 blocks");
        }
        return address;
    }

    /** Whether every chunk is a hole, as in composefs' external files. */
    boolean allHoles() throws IOException {
        long n = chunkCount();
        for (long i = 0; i < n; i++) {
            if (chunkAddress(i) != NULL_ADDRESS) {
                return false;
            }
        }
        return true;
    }

    /** Checks every mapped chunk's bytes lie within the file. */
    void checkChunks() throws IOException {
        long n = chunkCount();
        long chunkSize = 1L << chunkBits();
        for (long i = 0; i < n; i++) {
            long address = chunkAddress(i);
            if (address != NULL_ADDRESS) {
                long length = Math.min(chunkSize, inode.size() - i * chunkSize);
                data.check(address * BLOCK_SIZE, length, inode.nid(), "chunk %d at block %d", i, address);
            }
        }
    }

    /**
     * The whole data as bytes: flat blocks and tail, or chunks with holes as zeros.
     *
     * @throws UnsupportedImageException if the data is larger than both the image file and
     *                                   {@link #MAX_SPARSE_READ} (possible only for sparse or
     *                                   deduplicated chunks), which this reader does not materialise
     */
    byte[] readAll() throws IOException {
        if (inode.size() > Math.max(data.size(), MAX_SPARSE_READ)) {
            throw new UnsupportedImageException(data.file() + ": inode " + inode.nid() + " holds " + inode.size()
                    + " bytes of sparse or shared chunks, more than the image's " + data.size() + " and more than "
                    + MAX_SPARSE_READ + "; not read into memory");
        }
        byte[] out = new byte[(int) inode.size()];
        if (chunked()) {
            long chunkSize = 1L << chunkBits();
            for (long i = 0; i < chunkCount(); i++) {
                long address = chunkAddress(i);
                if (address != NULL_ADDRESS) {
                    int at = (int) (i * chunkSize);
                    data.copy(address * BLOCK_SIZE, out, at, (int) Math.min(chunkSize, out.length - (long) at));
                }
            }
            return out;
        }
        int plainBytes = (int) Math.min(out.length, plainBlockCount() * BLOCK_SIZE);
        if (plainBytes > 0) {
            data.copy(inode.u() * BLOCK_SIZE, out, 0, plainBytes);
        }
        if (plainBytes < out.length) {
            data.copy(inode.inlineOffset(), out, plainBytes, out.length - plainBytes);
        }
        return out;
    }

    /** The number of directory blocks (the inline tail counting as one). */
    int directoryBlocks() {
        return (int) blockCount();
    }

    /** Byte offset of directory block {@code i} of a flat inode. */
    long blockOffset(int i) {
        if (i < plainBlockCount()) {
            return inode.u() * BLOCK_SIZE + (long) i * BLOCK_SIZE;
        }
        return inode.inlineOffset();
    }

    /** Length of directory block {@code i}: 4096, or less for the last. */
    int blockLength(int i) {
        return (int) Math.min(BLOCK_SIZE, inode.size() - (long) i * BLOCK_SIZE);
    }
}
