package dev.composefs.format.erofs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One EROFS inode header, compact ({@code struct erofs_inode_compact}, 32 bytes) or extended
 * ({@code struct erofs_inode_extended}, 64 bytes). A compact inode has no mtime (readers use the
 * superblock's build time) and 16-bit nlink, uid and gid, and a 32-bit size.
 *
 * @param extended     whether this is the 64-byte form
 * @param dataLayout   an {@code EROFS_INODE_*} data layout
 * @param xattrIcount  {@code i_xattr_icount}
 * @param mode         {@code i_mode}
 * @param nlink        {@code i_nlink}
 * @param size         {@code i_size}
 * @param u            {@code i_u}: raw_blkaddr, rdev, or the chunk format
 * @param ino          {@code i_ino}
 * @param uid          {@code i_uid}
 * @param gid          {@code i_gid}
 * @param mtime        {@code i_mtime} seconds (extended only)
 * @param mtimeNsec    {@code i_mtime_nsec} (extended only)
 */
public record InodeRecord(boolean extended, int dataLayout, int xattrIcount, int mode, long nlink, long size,
                          int u, int ino, long uid, long gid, long mtime, int mtimeNsec) {
    /** Offset of {@code i_format} (u16) in both forms. */
    public static final int OFF_FORMAT = 0;
    /** Offset of {@code i_xattr_icount} (u16) in both forms. */
    public static final int OFF_XATTR_ICOUNT = 2;
    /** Offset of {@code i_mode} (u16) in both forms. */
    public static final int OFF_MODE = 4;
    /** Offset of {@code i_nlink} (u16) in the compact form. */
    public static final int OFF_COMPACT_NLINK = 6;
    /** Offset of {@code i_size} (u32) in the compact form. */
    public static final int OFF_COMPACT_SIZE = 8;
    /** Offset of {@code i_u} (u32) in both forms. */
    public static final int OFF_U = 16;
    /** Offset of {@code i_ino} (u32) in both forms. */
    public static final int OFF_INO = 20;
    /** Offset of {@code i_uid} (u16) in the compact form. */
    public static final int OFF_COMPACT_UID = 24;
    /** Offset of {@code i_gid} (u16) in the compact form. */
    public static final int OFF_COMPACT_GID = 26;
    /** Offset of {@code i_size} (u64) in the extended form. */
    public static final int OFF_EXTENDED_SIZE = 8;
    /** Offset of {@code i_uid} (u32) in the extended form. */
    public static final int OFF_EXTENDED_UID = 24;
    /** Offset of {@code i_gid} (u32) in the extended form. */
    public static final int OFF_EXTENDED_GID = 28;
    /** Offset of {@code i_mtime} (u64) in the extended form. */
    public static final int OFF_EXTENDED_MTIME = 32;
    /** Offset of {@code i_mtime_nsec} (u32) in the extended form. */
    public static final int OFF_EXTENDED_MTIME_NSEC = 40;
    /** Offset of {@code i_nlink} (u32) in the extended form. */
    public static final int OFF_EXTENDED_NLINK = 44;

    /** The header's size: {@link ErofsLayout#EXTENDED_INODE_SIZE} or {@link ErofsLayout#COMPACT_INODE_SIZE}. */
    public int encodedSize() {
        return extended ? ErofsLayout.EXTENDED_INODE_SIZE : ErofsLayout.COMPACT_INODE_SIZE;
    }

    /** {@code i_format}: the data layout and the version bit. */
    public int format() {
        return dataLayout << ErofsLayout.EROFS_I_DATALAYOUT_BIT | (extended ? 1 : 0) << ErofsLayout.EROFS_I_VERSION_BIT;
    }

    /** The {@link #encodedSize()} bytes of the header, little-endian; narrow fields are truncated. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(encodedSize()).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(OFF_FORMAT, (short) format());
        b.putShort(OFF_XATTR_ICOUNT, (short) xattrIcount);
        b.putShort(OFF_MODE, (short) mode);
        b.putInt(OFF_U, u);
        b.putInt(OFF_INO, ino);
        if (extended) {
            b.putLong(OFF_EXTENDED_SIZE, size);
            b.putInt(OFF_EXTENDED_UID, (int) uid);
            b.putInt(OFF_EXTENDED_GID, (int) gid);
            b.putLong(OFF_EXTENDED_MTIME, mtime);
            b.putInt(OFF_EXTENDED_MTIME_NSEC, mtimeNsec);
            b.putInt(OFF_EXTENDED_NLINK, (int) nlink);
        } else {
            b.putShort(OFF_COMPACT_NLINK, (short) nlink);
            b.putInt(OFF_COMPACT_SIZE, (int) size);
            b.putShort(OFF_COMPACT_UID, (short) uid);
            b.putShort(OFF_COMPACT_GID, (short) gid);
        }
        return b.array();
    }
}
