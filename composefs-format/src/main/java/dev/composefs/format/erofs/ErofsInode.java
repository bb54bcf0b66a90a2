package dev.composefs.format.erofs;

import static dev.composefs.format.erofs.ErofsLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Stat;
import dev.composefs.format.image.UnsupportedImageException;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * One decoded EROFS inode, compact or extended: an immutable snapshot of its header plus where its
 * xattr body and inline data are. Decoding checks the header alone (format bits, data layout, mode,
 * that the header and xattr body lie in the file); {@link InodeData} checks the data.
 *
 * @param nid         the inode's number (byte offset of its slot / 32 from the inode area)
 * @param offset      byte offset of the inode in the file
 * @param extended    whether it is the 64-byte form
 * @param dataLayout  the {@code EROFS_INODE_*} data layout: flat plain, flat inline or chunk based
 * @param mode        {@code i_mode}
 * @param nlink       {@code i_nlink}
 * @param size        {@code i_size}, 0 to 2^63 - 1
 * @param u           {@code i_u}: raw_blkaddr, rdev or chunk format
 * @param uid         {@code i_uid}
 * @param gid         {@code i_gid}
 * @param mtimeSeconds the mtime's seconds; the superblock's build time for compact inodes
 * @param mtimeNanos  the mtime's nanoseconds
 * @param xattrSize   bytes of the xattr body after the header (0 without xattrs)
 */
record ErofsInode(long nid, long offset, boolean extended, int dataLayout, int mode, long nlink, long size, long u,
                  long uid, long gid, long mtimeSeconds, int mtimeNanos, int xattrSize) {

    /** i_format bits beyond the version bit and the 3-bit data layout. */
    static final int FORMAT_UNKNOWN_BITS = ~0xF & 0xFFFF;

    /**
     * Decodes inode {@code nid}.
     *
     * @throws dev.composefs.format.image.CorruptImageException if the inode lies outside the file or
     *                                                         its header is invalid
     * @throws UnsupportedImageException                       for a compressed data layout
     */
    static ErofsInode read(ImageData data, ErofsVolume volume, long nid) throws IOException {
        // Every stat decodes an inode: the sound case is a few reads through one window and one
        // predicate, small enough for the JIT to inline; anything else is decoded again by explain,
        // which checks rule by rule and reports the first one broken.
        long offset = volume.inodeOffset(nid, data.size());
        if (offset < 0 || !data.inBounds(offset, COMPACT_INODE_SIZE)) {
            return explain(data, volume, nid);
        }
        int format = data.u16(offset + InodeRecord.OFF_FORMAT);
        boolean extended = (format >> EROFS_I_VERSION_BIT & 1) != 0;
        int headerSize = extended ? EXTENDED_INODE_SIZE : COMPACT_INODE_SIZE;
        if ((format & FORMAT_UNKNOWN_BITS) != 0 || !data.inBounds(offset, headerSize)) {
            return explain(data, volume, nid);
        }
        // One window for both sizes: the JIT can then keep it in registers instead of allocating it.
        ImageData.Window w = data.window(offset, headerSize, nid, "inode");
        int layout = format >> EROFS_I_DATALAYOUT_BIT & 7;
        int mode = w.u16(InodeRecord.OFF_MODE);
        FileType type = FileType.ofMode(mode);
        int xattrSize = XattrLayout.bodySize(w.u16(InodeRecord.OFF_XATTR_ICOUNT));
        long size = extended ? w.u64(InodeRecord.OFF_EXTENDED_SIZE) : w.u32(InodeRecord.OFF_COMPACT_SIZE);
        boolean sound = type != null && size >= 0
                && (layout == EROFS_INODE_FLAT_PLAIN || layout == EROFS_INODE_FLAT_INLINE
                    || (layout == EROFS_INODE_CHUNK_BASED && type == FileType.REGULAR))
                && data.inBounds(offset + headerSize, xattrSize);
        if (!sound) {
            return explain(data, volume, nid);
        }
        long u = w.u32(InodeRecord.OFF_U);
        return extended
                ? new ErofsInode(nid, offset, true, layout, mode, w.u32(InodeRecord.OFF_EXTENDED_NLINK), size, u,
                        w.u32(InodeRecord.OFF_EXTENDED_UID), w.u32(InodeRecord.OFF_EXTENDED_GID),
                        w.u64(InodeRecord.OFF_EXTENDED_MTIME), (int) w.u32(InodeRecord.OFF_EXTENDED_MTIME_NSEC), xattrSize)
                : new ErofsInode(nid, offset, false, layout, mode, w.u16(InodeRecord.OFF_COMPACT_NLINK), size, u,
                        w.u16(InodeRecord.OFF_COMPACT_UID), w.u16(InodeRecord.OFF_COMPACT_GID),
                        volume.buildTime(), (int) volume.buildTimeNsec(), xattrSize);
    }

    /** {@link #read}, rule by rule: throws for the first rule inode {@code nid} breaks. */
    static ErofsInode explain(ImageData data, ErofsVolume volume, long nid) throws IOException {
        long offset = volume.inodeOffset(nid, data.size());
        if (offset < 0) {
            throw data.corrupt(dev.composefs.format.image.CorruptImageException.NO_OFFSET, nid, "nid "
                    + Long.toUnsignedString(nid) + " lies past the end of the file");
        }
        data.check(offset, COMPACT_INODE_SIZE, nid, "inode");
        int format = data.u16(offset + InodeRecord.OFF_FORMAT);
        if ((format & FORMAT_UNKNOWN_BITS) != 0) {
            throw data.corrupt(offset, nid, "i_format 0x" + Integer.toHexString(format) + " has unknown bits set");
        }
        boolean extended = (format >> EROFS_I_VERSION_BIT & 1) != 0;
        int layout = format >> EROFS_I_DATALAYOUT_BIT & 7;
        if (layout == EROFS_INODE_COMPRESSED_FULL || layout == EROFS_INODE_COMPRESSED_COMPACT) {
            throw new UnsupportedImageException(data.file() + ": inode " + nid + " is compressed (data layout "
                    + layout + "); composefs images are never compressed");
        }
        if (layout != EROFS_INODE_FLAT_PLAIN && layout != EROFS_INODE_FLAT_INLINE && layout != EROFS_INODE_CHUNK_BASED) {
            throw data.corrupt(offset, nid, "unknown data layout " + layout);
        }
        int headerSize = extended ? EXTENDED_INODE_SIZE : COMPACT_INODE_SIZE;
        data.check(offset, headerSize, nid, "extended inode");
        int mode = data.u16(offset + InodeRecord.OFF_MODE);
        FileType type = FileType.ofMode(mode);
        if (type == null) {
            throw data.corrupt(offset + InodeRecord.OFF_MODE, nid, "i_mode 0" + Integer.toOctalString(mode) + " has no valid file type");
        }
        int icount = data.u16(offset + InodeRecord.OFF_XATTR_ICOUNT);
        int xattrSize = XattrLayout.bodySize(icount);
        data.check(offset + headerSize, xattrSize, nid, "xattr body of %d slots", icount);
        long u = data.u32(offset + InodeRecord.OFF_U);
        ErofsInode inode;
        if (extended) {
            long size = data.u64(offset + InodeRecord.OFF_EXTENDED_SIZE);
            if (size < 0) {
                throw data.corrupt(offset + InodeRecord.OFF_EXTENDED_SIZE, nid, "i_size " + Long.toUnsignedString(size) + " exceeds 2^63 - 1");
            }
            inode = new ErofsInode(nid, offset, true, layout, mode,
                    data.u32(offset + InodeRecord.OFF_EXTENDED_NLINK), size, u,
                    data.u32(offset + InodeRecord.OFF_EXTENDED_UID), data.u32(offset + InodeRecord.OFF_EXTENDED_GID),
                    data.u64(offset + InodeRecord.OFF_EXTENDED_MTIME),
                    (int) data.u32(offset + InodeRecord.OFF_EXTENDED_MTIME_NSEC),
                    xattrSize);
        } else {
            inode = new ErofsInode(nid, offset, false, layout, mode,
                    data.u16(offset + InodeRecord.OFF_COMPACT_NLINK), data.u32(offset + InodeRecord.OFF_COMPACT_SIZE), u,
                    data.u16(offset + InodeRecord.OFF_COMPACT_UID), data.u16(offset + InodeRecord.OFF_COMPACT_GID),
                    volume.buildTime(), (int) volume.buildTimeNsec(), xattrSize);
        }
        if (layout == EROFS_INODE_CHUNK_BASED && type != FileType.REGULAR) {
            throw data.corrupt(offset, nid, "a " + type + " inode has the chunk-based data layout");
        }
        return inode;
    }

    /** The status as stored: the raw view's, whose ctime is the mtime (EROFS keeps one time). */
    Stat stat() {
        return new Stat(nid, mode, nlink, uid, gid, rdev(), size, mtimeSeconds, mtimeNanos, mtimeSeconds, mtimeNanos);
    }

    /** The file type. */
    FileType type() {
        return FileType.ofMode(mode);
    }

    /** The size of the header: 32 or 64 bytes. */
    int headerSize() {
        return extended ? EXTENDED_INODE_SIZE : COMPACT_INODE_SIZE;
    }

    /** Byte offset of the xattr body. */
    long xattrOffset() {
        return offset + headerSize();
    }

    /** Byte offset right after the xattr body: the inline tail or the chunk block map. */
    long inlineOffset() {
        return xattrOffset() + xattrSize;
    }

    /** The device number of a character or block device, else 0. */
    long rdev() {
        FileType t = type();
        return t == FileType.CHAR_DEVICE || t == FileType.BLOCK_DEVICE ? u : 0;
    }

    /** Whether this is a character device with rdev 0: an overlay whiteout, or one of composefs' root stubs. */
    boolean isRawWhiteout() {
        return type() == FileType.CHAR_DEVICE && u == 0;
    }
}
