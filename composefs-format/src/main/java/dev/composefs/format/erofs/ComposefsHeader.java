package dev.composefs.format.erofs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 32-byte composefs header at offset 0 of an EROFS composefs image ({@code struct lcfs_erofs_header_s}).
 *
 * @param version          the header format version, {@link #LCFS_EROFS_VERSION}
 * @param flags            {@link #LCFS_EROFS_FLAGS_HAS_ACL} or 0
 * @param composefsVersion the composefs format version the image was written as (0 or 1; composefs-rs writes 2)
 */
public record ComposefsHeader(int version, int flags, int composefsVersion) {
    /** {@code LCFS_EROFS_MAGIC}. */
    public static final int LCFS_EROFS_MAGIC = 0xd078629a;
    /** {@code LCFS_EROFS_VERSION}: the only header format version. */
    public static final int LCFS_EROFS_VERSION = 1;
    /** {@code LCFS_EROFS_FLAGS_HAS_ACL}: some inode has a POSIX ACL, so the mount must not use {@code noacl}. */
    public static final int LCFS_EROFS_FLAGS_HAS_ACL = 1;
    /** The size of the header struct; zeros follow up to {@link ErofsLayout#EROFS_SUPER_OFFSET}. */
    public static final int SIZE = 32;

    /** Offset of {@code magic} (u32). */
    public static final int OFF_MAGIC = 0;
    /** Offset of {@code version} (u32). */
    public static final int OFF_VERSION = 4;
    /** Offset of {@code flags} (u32). */
    public static final int OFF_FLAGS = 8;
    /** Offset of {@code composefs_version} (u32). */
    public static final int OFF_COMPOSEFS_VERSION = 12;

    /** The header of an image written as composefs format {@code composefsVersion}. */
    public static ComposefsHeader of(boolean hasAcl, int composefsVersion) {
        return new ComposefsHeader(LCFS_EROFS_VERSION, hasAcl ? LCFS_EROFS_FLAGS_HAS_ACL : 0, composefsVersion);
    }

    /** The {@link #SIZE} bytes of the header, little-endian; the unused words are zero. */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(OFF_MAGIC, LCFS_EROFS_MAGIC);
        b.putInt(OFF_VERSION, version);
        b.putInt(OFF_FLAGS, flags);
        b.putInt(OFF_COMPOSEFS_VERSION, composefsVersion);
        return b.array();
    }
}
