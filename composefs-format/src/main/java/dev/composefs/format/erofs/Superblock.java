package dev.composefs.format.erofs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fields of the 128-byte EROFS superblock ({@code struct erofs_super_block}) that composefs sets;
 * every other field is zero.
 *
 * @param featureCompat   {@code feature_compat}
 * @param blkszbits       {@code blkszbits}, log2 of the block size
 * @param rootNid         {@code root_nid}, the root directory's inode number (u16)
 * @param inos            {@code inos}, the number of inodes
 * @param buildTime       {@code build_time}: seconds of the mtime compact inodes share
 * @param buildTimeNsec   {@code build_time_nsec}: nanoseconds of that mtime
 * @param blocks          {@code blocks}: image size in blocks
 * @param metaBlkaddr     {@code meta_blkaddr}: first block of the inode area (nid 0)
 * @param xattrBlkaddr    {@code xattr_blkaddr}: block shared xattr ids count from
 * @param featureIncompat {@code feature_incompat}
 */
public record Superblock(int featureCompat, int blkszbits, int rootNid, long inos, long buildTime,
                         int buildTimeNsec, int blocks, int metaBlkaddr, int xattrBlkaddr, int featureIncompat) {
    /** The size of the superblock struct. */
    public static final int SIZE = 128;

    /** Offset of {@code magic} (u32). */
    public static final int OFF_MAGIC = 0;
    /** Offset of {@code checksum} (u32). */
    public static final int OFF_CHECKSUM = 4;
    /** Offset of {@code feature_compat} (u32). */
    public static final int OFF_FEATURE_COMPAT = 8;
    /** Offset of {@code blkszbits} (u8). */
    public static final int OFF_BLKSZBITS = 12;
    /** Offset of {@code sb_extslots} (u8). */
    public static final int OFF_SB_EXTSLOTS = 13;
    /** Offset of {@code root_nid} (u16). */
    public static final int OFF_ROOT_NID = 14;
    /** Offset of {@code inos} (u64). */
    public static final int OFF_INOS = 16;
    /** Offset of {@code build_time} (u64). */
    public static final int OFF_BUILD_TIME = 24;
    /** Offset of {@code build_time_nsec} (u32). */
    public static final int OFF_BUILD_TIME_NSEC = 32;
    /** Offset of {@code blocks} (u32). */
    public static final int OFF_BLOCKS = 36;
    /** Offset of {@code meta_blkaddr} (u32). */
    public static final int OFF_META_BLKADDR = 40;
    /** Offset of {@code xattr_blkaddr} (u32). */
    public static final int OFF_XATTR_BLKADDR = 44;
    /** Offset of {@code uuid[16]}. */
    public static final int OFF_UUID = 48;
    /** Offset of {@code volume_name[16]}. */
    public static final int OFF_VOLUME_NAME = 64;
    /** Offset of {@code feature_incompat} (u32). */
    public static final int OFF_FEATURE_INCOMPAT = 80;
    /** Offset of {@code extra_devices} (u16). */
    public static final int OFF_EXTRA_DEVICES = 86;
    /** Offset of {@code devt_slotoff} (u16). */
    public static final int OFF_DEVT_SLOTOFF = 88;
    /** Offset of {@code dirblkbits} (u8). */
    public static final int OFF_DIRBLKBITS = 90;
    /** Offset of {@code xattr_prefix_count} (u8). */
    public static final int OFF_XATTR_PREFIX_COUNT = 91;
    /** Offset of {@code xattr_prefix_start} (u32). */
    public static final int OFF_XATTR_PREFIX_START = 92;
    /** Offset of {@code packed_nid} (u64). */
    public static final int OFF_PACKED_NID = 96;
    /** Offset of {@code xattr_filter_reserved} (u8). */
    public static final int OFF_XATTR_FILTER_RESERVED = 104;

    /** The {@link #SIZE} bytes of the superblock, little-endian, with magic and zeros elsewhere. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFF_MAGIC, ErofsLayout.EROFS_SUPER_MAGIC_V1);
        b.putInt(OFF_FEATURE_COMPAT, featureCompat);
        b.put(OFF_BLKSZBITS, (byte) blkszbits);
        b.putShort(OFF_ROOT_NID, (short) rootNid);
        b.putLong(OFF_INOS, inos);
        b.putLong(OFF_BUILD_TIME, buildTime);
        b.putInt(OFF_BUILD_TIME_NSEC, buildTimeNsec);
        b.putInt(OFF_BLOCKS, blocks);
        b.putInt(OFF_META_BLKADDR, metaBlkaddr);
        b.putInt(OFF_XATTR_BLKADDR, xattrBlkaddr);
        b.putInt(OFF_FEATURE_INCOMPAT, featureIncompat);
        return b.array();
    }
}
