package dev.composefs.format.erofs;

/**
 * The fixed numbers of the EROFS on-disk format as composefs uses it, named after the Linux kernel's
 * {@code fs/erofs/erofs_fs.h} so code can be checked against it. Shared by the writer and the reader.
 *
 * <p>Struct field offsets live with the struct they belong to: {@link ComposefsHeader},
 * {@link Superblock}, {@link InodeRecord}, {@link XattrLayout}, {@link Dirent}.
 */
public final class ErofsLayout {
    private ErofsLayout() {
    }

    /** {@code EROFS_SUPER_MAGIC_V1}. */
    public static final int EROFS_SUPER_MAGIC_V1 = 0xE0F5E1E2;
    /** Byte offset of the superblock ({@code EROFS_SUPER_OFFSET}); the composefs header sits before it. */
    public static final int EROFS_SUPER_OFFSET = 1024;

    /** log2 of the block size composefs always uses. */
    public static final int BLOCK_SIZE_BITS = 12;
    /** The block size, 4096. */
    public static final int BLOCK_SIZE = 1 << BLOCK_SIZE_BITS;
    /** {@code EROFS_ISLOTBITS}: inodes are aligned to 32-byte slots, and nid = offset / 32. */
    public static final int EROFS_ISLOTBITS = 5;
    /** The inode slot size, 32. */
    public static final int INODE_SLOT_SIZE = 1 << EROFS_ISLOTBITS;

    /** {@code EROFS_FEATURE_COMPAT_SB_CHKSUM}: not used by composefs. */
    public static final int EROFS_FEATURE_COMPAT_SB_CHKSUM = 0x1;
    /** {@code EROFS_FEATURE_COMPAT_MTIME}: compact inodes take their mtime from build_time. */
    public static final int EROFS_FEATURE_COMPAT_MTIME = 0x2;
    /** {@code EROFS_FEATURE_COMPAT_XATTR_FILTER}: inodes carry an xattr name bloom filter. */
    public static final int EROFS_FEATURE_COMPAT_XATTR_FILTER = 0x4;
    /** {@code EROFS_FEATURE_INCOMPAT_CHUNKED_FILE}; composefs uses chunks but does not set it. */
    public static final int EROFS_FEATURE_INCOMPAT_CHUNKED_FILE = 0x4;

    /** {@code EROFS_INODE_FLAT_PLAIN}: data in whole blocks from i_u (raw_blkaddr). */
    public static final int EROFS_INODE_FLAT_PLAIN = 0;
    /** {@code EROFS_INODE_COMPRESSED_FULL}: never written by composefs. */
    public static final int EROFS_INODE_COMPRESSED_FULL = 1;
    /** {@code EROFS_INODE_FLAT_INLINE}: whole blocks, then a tail stored right after the inode. */
    public static final int EROFS_INODE_FLAT_INLINE = 2;
    /** {@code EROFS_INODE_COMPRESSED_COMPACT}: never written by composefs. */
    public static final int EROFS_INODE_COMPRESSED_COMPACT = 3;
    /** {@code EROFS_INODE_CHUNK_BASED}: a block-address array after the inode; composefs writes holes only. */
    public static final int EROFS_INODE_CHUNK_BASED = 4;

    /** {@code EROFS_I_VERSION_BIT}: bit 0 of i_format, set for the 64-byte extended inode. */
    public static final int EROFS_I_VERSION_BIT = 0;
    /** {@code EROFS_I_DATALAYOUT_BIT}: the data layout occupies i_format bits 1..3. */
    public static final int EROFS_I_DATALAYOUT_BIT = 1;
    /** Size of {@code struct erofs_inode_compact}. */
    public static final int COMPACT_INODE_SIZE = 32;
    /** Size of {@code struct erofs_inode_extended}. */
    public static final int EXTENDED_INODE_SIZE = 64;

    /** {@code EROFS_CHUNK_FORMAT_BLKBITS_MASK}: chunk size bits beyond the block size, in i_u. */
    public static final int EROFS_CHUNK_FORMAT_BLKBITS_MASK = 0x001F;
    /** {@code EROFS_CHUNK_FORMAT_INDEXES}: 8-byte chunk indexes instead of 4-byte block addresses. */
    public static final int EROFS_CHUNK_FORMAT_INDEXES = 0x0020;
    /** Size of one chunk block address ({@code __le32}). */
    public static final int CHUNK_BLOCK_ADDRESS_SIZE = 4;
    /** {@code EROFS_NULL_ADDR}: a hole; composefs writes it for every chunk of an external file. */
    public static final int EROFS_NULL_ADDR = 0xFFFFFFFF;
    /** The largest chunk size bits composefs uses: block bits plus the 5-bit chunk format field's 31. */
    public static final int MAX_CHUNK_BITS = BLOCK_SIZE_BITS + 31;
    /** The most chunks composefs allows for one external file (more gives EFBIG). */
    public static final int MAX_CHUNK_COUNT = 1024;

    /** {@code EROFS_XATTR_FILTER_SEED}: xxh32 seed of the xattr name filter, plus the prefix index. */
    public static final int EROFS_XATTR_FILTER_SEED = 0x25BBE08F;
    /** {@code EROFS_XATTR_FILTER_BITS}: the filter has 32 bits. */
    public static final int EROFS_XATTR_FILTER_BITS = 32;
}
