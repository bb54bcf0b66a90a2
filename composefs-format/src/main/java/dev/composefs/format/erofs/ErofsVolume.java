package dev.composefs.format.erofs;

import static dev.composefs.format.erofs.ErofsLayout.*;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.UnsupportedImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The validated composefs header and EROFS superblock of an image: where the inodes and the shared
 * xattrs are, the root, the build time compact inodes take as mtime, and the long xattr name prefixes.
 *
 * <p>Reading refuses, as composefs-rs' restricted mode does, everything composefs images never use:
 * block sizes other than 4096, unknown compat features, incompat features other than chunked files and
 * long xattr prefixes, extra devices, extended superblock slots, a packed inode, and directory block
 * sizes other than the block size. An image without the composefs header (a plain EROFS image, as
 * {@code mkfs.erofs} writes) is accepted; {@link #composefsVersion()} is then -1.
 *
 * @param composefsVersion the header's composefs format version (0, 1; composefs-rs writes 2), or -1
 *                         for a plain EROFS image without the composefs header
 * @param headerFlags      the header's flags ({@link ComposefsHeader#LCFS_EROFS_FLAGS_HAS_ACL}), 0 without header
 * @param featureCompat    {@code feature_compat}
 * @param featureIncompat  {@code feature_incompat}
 * @param rootNid          {@code root_nid}
 * @param inos             {@code inos}, the number of inodes the superblock claims (unverified)
 * @param buildTime        {@code build_time}, the seconds of every compact inode's mtime
 * @param buildTimeNsec    {@code build_time_nsec}
 * @param metaBase         byte offset of nid 0 ({@code meta_blkaddr} blocks)
 * @param xattrBase        byte offset shared xattr ids count from ({@code xattr_blkaddr} blocks)
 * @param xattrFilter      whether inodes carry a usable xattr name filter
 * @param longPrefixes     the long xattr name prefix table, by index
 */
record ErofsVolume(int composefsVersion, long headerFlags, long featureCompat, long featureIncompat, long rootNid,
                   long inos, long buildTime, long buildTimeNsec, long metaBase, long xattrBase, boolean xattrFilter,
                   List<LongPrefix> longPrefixes) {

    /** {@code EROFS_FEATURE_INCOMPAT_XATTR_PREFIXES}: a table of long xattr name prefixes. */
    static final long EROFS_FEATURE_INCOMPAT_XATTR_PREFIXES = 0x40;
    private static final long KNOWN_COMPAT = EROFS_FEATURE_COMPAT_SB_CHKSUM | EROFS_FEATURE_COMPAT_MTIME
            | EROFS_FEATURE_COMPAT_XATTR_FILTER;
    private static final long KNOWN_INCOMPAT = EROFS_FEATURE_INCOMPAT_CHUNKED_FILE | EROFS_FEATURE_INCOMPAT_XATTR_PREFIXES;
    /** The longest infix a long prefix may add to its base prefix ({@code EROFS_NAME_LEN}). */
    private static final int MAX_INFIX = 255;
    private static final long NO_INODE = CorruptImageException.NO_INODE;

    /**
     * One entry of the long xattr name prefix table: a short prefix and the bytes that follow it.
     *
     * @param base  the short prefix the long one starts with
     * @param infix the bytes after the short prefix
     */
    record LongPrefix(XattrPrefix base, byte[] infix) {
    }

    /**
     * Reads and checks the header and superblock of {@code data}.
     *
     * @throws UnsupportedImageException if neither magic is present, the header version is not 1, or a
     *                                   feature or geometry outside composefs' use is set
     * @throws CorruptImageException     if a field is inconsistent with the file
     */
    static ErofsVolume read(ImageData data) throws IOException {
        int sb = EROFS_SUPER_OFFSET;
        boolean header = data.size() >= 4 && data.u32(ComposefsHeader.OFF_MAGIC) == Integer.toUnsignedLong(ComposefsHeader.LCFS_EROFS_MAGIC);
        boolean erofs = data.size() >= sb + 4 && data.u32(sb + Superblock.OFF_MAGIC) == Integer.toUnsignedLong(EROFS_SUPER_MAGIC_V1);
        if (!header && !erofs) {
            throw new UnsupportedImageException(data.file() + ": not an EROFS image (no composefs magic 0xd078629a at 0"
                    + " and no EROFS magic 0xe0f5e1e2 at 1024)");
        }
        int composefsVersion = -1;
        long flags = 0;
        if (header) {
            if (data.size() < ComposefsHeader.SIZE) {
                throw data.corrupt(0, NO_INODE, "file of " + data.size() + " bytes is shorter than the composefs header");
            }
            long version = data.u32(ComposefsHeader.OFF_VERSION);
            if (version != ComposefsHeader.LCFS_EROFS_VERSION) {
                throw new UnsupportedImageException(data.file() + ": composefs EROFS header version " + version
                        + " is not supported (only " + ComposefsHeader.LCFS_EROFS_VERSION + ")");
            }
            flags = data.u32(ComposefsHeader.OFF_FLAGS);
            composefsVersion = (int) Math.min(Integer.MAX_VALUE, data.u32(ComposefsHeader.OFF_COMPOSEFS_VERSION));
        }
        if (data.size() < sb + Superblock.SIZE) {
            throw data.corrupt(sb, NO_INODE, "file of " + data.size() + " bytes ends before the end of the EROFS superblock");
        }
        if (!erofs) {
            throw data.corrupt(sb, NO_INODE, "no EROFS superblock magic 0xe0f5e1e2 after the composefs header");
        }
        int blkszbits = data.u8(sb + Superblock.OFF_BLKSZBITS);
        if (blkszbits != BLOCK_SIZE_BITS) {
            throw unsupported(data, "block size 2^" + blkszbits + " (only 4096)");
        }
        long compat = data.u32(sb + Superblock.OFF_FEATURE_COMPAT);
        if ((compat & ~KNOWN_COMPAT) != 0) {
            throw unsupported(data, "compat features 0x" + Long.toHexString(compat & ~KNOWN_COMPAT));
        }
        long incompat = data.u32(sb + Superblock.OFF_FEATURE_INCOMPAT);
        if ((incompat & ~KNOWN_INCOMPAT) != 0) {
            throw unsupported(data, "incompat features 0x" + Long.toHexString(incompat & ~KNOWN_INCOMPAT)
                    + " (compression, devices and later features are not read)");
        }
        requireZero(data, Superblock.OFF_SB_EXTSLOTS, data.u8(sb + Superblock.OFF_SB_EXTSLOTS), "sb_extslots");
        requireZero(data, Superblock.OFF_EXTRA_DEVICES, data.u16(sb + Superblock.OFF_EXTRA_DEVICES), "extra_devices");
        requireZero(data, Superblock.OFF_DIRBLKBITS, data.u8(sb + Superblock.OFF_DIRBLKBITS), "dirblkbits");
        requireZero(data, Superblock.OFF_PACKED_NID, data.u64(sb + Superblock.OFF_PACKED_NID), "packed_nid");
        if ((compat & EROFS_FEATURE_COMPAT_SB_CHKSUM) != 0) {
            checkChecksum(data);
        }
        long blocks = data.u32(sb + Superblock.OFF_BLOCKS);
        if (blocks > data.size() / BLOCK_SIZE) {
            throw data.corrupt(sb + Superblock.OFF_BLOCKS, NO_INODE, "the superblock counts " + blocks
                    + " blocks of 4096 bytes but the file has " + data.size() + " bytes (truncated?)");
        }
        List<LongPrefix> prefixes = List.of();
        int prefixCount = data.u8(sb + Superblock.OFF_XATTR_PREFIX_COUNT);
        long prefixStart = data.u32(sb + Superblock.OFF_XATTR_PREFIX_START);
        if ((incompat & EROFS_FEATURE_INCOMPAT_XATTR_PREFIXES) != 0) {
            prefixes = readPrefixes(data, prefixCount, prefixStart * 4);
        } else if (prefixCount != 0 || prefixStart != 0) {
            throw data.corrupt(sb + Superblock.OFF_XATTR_PREFIX_COUNT, NO_INODE,
                    "xattr prefix table given without the XATTR_PREFIXES feature");
        }
        boolean filter = (compat & EROFS_FEATURE_COMPAT_XATTR_FILTER) != 0
                && data.u8(sb + Superblock.OFF_XATTR_FILTER_RESERVED) == 0;
        return new ErofsVolume(composefsVersion, flags, compat, incompat,
                data.u16(sb + Superblock.OFF_ROOT_NID),
                data.u64(sb + Superblock.OFF_INOS),
                data.u64(sb + Superblock.OFF_BUILD_TIME),
                data.u32(sb + Superblock.OFF_BUILD_TIME_NSEC),
                data.u32(sb + Superblock.OFF_META_BLKADDR) * BLOCK_SIZE,
                data.u32(sb + Superblock.OFF_XATTR_BLKADDR) * BLOCK_SIZE,
                filter, prefixes);
    }

    private static UnsupportedImageException unsupported(ImageData data, String what) {
        return new UnsupportedImageException(data.file() + ": EROFS image uses " + what
                + ", which composefs images never use");
    }

    private static void requireZero(ImageData data, int field, long value, String name) throws UnsupportedImageException {
        if (value != 0) {
            throw new UnsupportedImageException(data.file() + ": EROFS superblock field " + name + " at offset "
                    + (EROFS_SUPER_OFFSET + field) + " is " + Long.toUnsignedString(value)
                    + "; only 0 is supported (composefs images never use it)");
        }
    }

    /**
     * The kernel's check: crc32c (seed ~0, no final inversion) over the rest of the superblock's block
     * with the checksum field zeroed.
     */
    private static void checkChecksum(ImageData data) throws IOException {
        int sb = EROFS_SUPER_OFFSET;
        int length = BLOCK_SIZE - sb;
        data.check(sb, length, NO_INODE, "checksummed superblock block");
        byte[] block = data.bytes(sb, length);
        long stored = data.u32(sb + Superblock.OFF_CHECKSUM);
        for (int i = 0; i < 4; i++) {
            block[Superblock.OFF_CHECKSUM + i] = 0;
        }
        CRC32C crc = new CRC32C();
        crc.update(block);
        long computed = ~crc.getValue() & 0xffffffffL;
        if (computed != stored) {
            throw data.corrupt(sb + Superblock.OFF_CHECKSUM, NO_INODE, "superblock checksum 0x" + Long.toHexString(stored)
                    + " does not match the computed 0x" + Long.toHexString(computed));
        }
    }

    /** Reads the table: each entry is a u16 length, the base prefix index and the infix, 4-byte aligned. */
    private static List<LongPrefix> readPrefixes(ImageData data, int count, long start) throws IOException {
        List<LongPrefix> result = new ArrayList<>(count);
        long pos = start;
        for (int i = 0; i < count; i++) {
            pos = (pos + 3) & ~3L;
            int length = data.u16(pos);
            if (length < 1 || length > MAX_INFIX + 1) {
                throw data.corrupt(pos, NO_INODE, "long xattr prefix " + i + " has length " + length + " (not 1.." + (MAX_INFIX + 1) + ")");
            }
            data.check(pos + 2, length, NO_INODE, "long xattr prefix %d", i);
            int baseIndex = data.u8(pos + 2);
            XattrPrefix base = XattrPrefix.ofIndex(baseIndex);
            if (base == null || base == XattrPrefix.NONE) {
                throw data.corrupt(pos + 2, NO_INODE, "long xattr prefix " + i + " has unknown base prefix index " + baseIndex);
            }
            result.add(new LongPrefix(base, data.bytes(pos + 3, length - 1)));
            pos += 2 + length;
        }
        return List.copyOf(result);
    }

    /**
     * The number of nids whose slot starts inside a file of {@code fileSize} bytes: every nid
     * {@link #inodeOffset} accepts is below it.
     */
    long inodeSlots(long fileSize) {
        return fileSize < metaBase ? 0 : (fileSize - metaBase) / INODE_SLOT_SIZE + 1;
    }

    /** Byte offset of inode {@code nid}, or -1 if it cannot lie inside a file of {@code fileSize} bytes. */
    long inodeOffset(long nid, long fileSize) {
        if (nid < 0 || nid > (fileSize - metaBase) / INODE_SLOT_SIZE) {
            return -1;
        }
        return metaBase + nid * INODE_SLOT_SIZE;
    }
}
