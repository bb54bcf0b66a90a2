package dev.composefs.format.erofs;

import static dev.composefs.format.erofs.XattrLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the xattrs of one inode as stored: the inline entries, then the shared ones its body refers to
 * (in id order). Each entry's name is its prefix (a short {@link XattrPrefix}, or a long prefix from
 * the superblock's table when bit 7 of the index is set) followed by the stored suffix.
 *
 * <p>Every entry is checked: it lies within the body or the file, its prefix index is known, its
 * name is not empty and has no NUL, and, when the image carries the xattr name filter, the inode's
 * filter does not claim the name absent (the kernel would then fail to find it). Values are read only
 * on request, so checking an inode costs no more than its names, however large the values it shares.
 */
final class ErofsXattrs {
    /** {@code EROFS_XATTR_LONG_PREFIX}: bit 7 of {@code e_name_index} selects a long prefix. */
    private static final int LONG_PREFIX = 0x80;
    private static final int LONG_PREFIX_MASK = 0x7F;

    private final ImageData data;
    private final ErofsVolume volume;

    ErofsXattrs(ImageData data, ErofsVolume volume) {
        this.data = data;
        this.volume = volume;
    }

    /**
     * One stored xattr: its full name and where its value is, so that checks need not copy values.
     *
     * @param name        the full name, prefix included
     * @param valueOffset byte offset of the value in the file
     * @param valueLength length of the value
     */
    record Entry(Name name, long valueOffset, int valueLength) {
    }

    /** The xattrs with their values of these entries, in their order. */
    List<Xattr> read(List<Entry> entries) throws IOException {
        List<Xattr> result = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            result.add(Xattr.of(e.name(), value(e)));
        }
        return result;
    }

    /** A copy of the value of {@code e}. */
    byte[] value(Entry e) throws IOException {
        return data.bytes(e.valueOffset(), e.valueLength());
    }

    /**
     * Whether {@link #checkBody} passes for a body of {@code size} bytes at {@code body}, which lies
     * in the file: as one predicate, for callers that decode an inode's fields without building it.
     */
    boolean bodyFits(long body, int size) throws IOException {
        return size == 0 || (size >= IBODY_HEADER_SIZE && data.inBounds(body, size)
                && IBODY_HEADER_SIZE + (long) data.u8(body + OFF_SHARED_COUNT) * SHARED_ID_SIZE <= size);
    }

    /**
     * Checks the fixed part of {@code inode}'s xattr body, in constant time: the body holds its header
     * and the shared ids it counts. (Decoding the inode already checked that the body lies in the file.)
     */
    void checkBody(ErofsInode inode) throws IOException {
        if (!bodyFits(inode.xattrOffset(), inode.xattrSize())) {
            explainBody(inode);
        }
    }

    /** {@link #checkBody}, rule by rule: throws for the first rule the body breaks. */
    void explainBody(ErofsInode inode) throws IOException {
        if (inode.xattrSize() == 0) {
            return;
        }
        data.check(inode.xattrOffset(), inode.xattrSize(), inode.nid(), "xattr body");
        if (inode.xattrSize() < IBODY_HEADER_SIZE) {
            throw data.corrupt(inode.offset() + InodeRecord.OFF_XATTR_ICOUNT, inode.nid(), "xattr body of "
                    + inode.xattrSize() + " bytes is shorter than its header");
        }
        int shared = data.u8(inode.xattrOffset() + OFF_SHARED_COUNT);
        if (IBODY_HEADER_SIZE + (long) shared * SHARED_ID_SIZE > inode.xattrSize()) {
            throw data.corrupt(inode.xattrOffset() + OFF_SHARED_COUNT, inode.nid(), shared
                    + " shared xattr ids do not fit the " + inode.xattrSize() + "-byte xattr body");
        }
    }

    /** The checked entries of {@code inode}'s xattrs, inline first, each in stored order; values not read. */
    List<Entry> entries(ErofsInode inode) throws IOException {
        checkBody(inode);
        if (inode.xattrSize() == 0) {
            return List.of();
        }
        long body = inode.xattrOffset();
        long end = body + inode.xattrSize();
        long filter = data.u32(body + OFF_NAME_FILTER);
        int shared = data.u8(body + OFF_SHARED_COUNT);
        long entries = body + IBODY_HEADER_SIZE + (long) shared * SHARED_ID_SIZE;
        // Inline entries first, then shared ones: the order the reference reader (and so
        // composefs-info dump) lists them in.
        List<Entry> result = new ArrayList<>();
        long at = entries;
        while (at < end) {
            result.add(entry(inode, at, end, filter, "inline xattr"));
            at += entrySize(at);
        }
        for (int i = 0; i < shared; i++) {
            long idAt = body + IBODY_HEADER_SIZE + (long) i * SHARED_ID_SIZE;
            long sharedAt = volume.xattrBase() + data.u32(idAt) * SHARED_ID_SIZE;
            result.add(entry(inode, sharedAt, data.size(), filter, "shared xattr " + i));
        }
        return result;
    }

    private long entrySize(long at) throws IOException {
        long raw = ENTRY_HEADER_SIZE + data.u8(at + OFF_ENTRY_NAME_LEN) + (long) data.u16(at + OFF_ENTRY_VALUE_SIZE);
        return (raw + ALIGNMENT - 1) & -ALIGNMENT;
    }

    private Entry entry(ErofsInode inode, long at, long limit, long filter, String what) throws IOException {
        long nid = inode.nid();
        if (at > limit - ENTRY_HEADER_SIZE) {
            throw data.corrupt(at, nid, what + " header runs past its area");
        }
        int suffixLength = data.u8(at + OFF_ENTRY_NAME_LEN);
        int index = data.u8(at + OFF_ENTRY_NAME_INDEX);
        int valueLength = data.u16(at + OFF_ENTRY_VALUE_SIZE);
        if (entrySize(at) > limit - at) {
            throw data.corrupt(at, nid, what + " (name " + suffixLength + " + value " + valueLength
                    + " bytes) runs past its area");
        }
        byte[] prefix;
        byte[] hashed;
        int filterIndex;
        byte[] suffix = data.bytes(at + ENTRY_HEADER_SIZE, suffixLength);
        if ((index & LONG_PREFIX) != 0) {
            int i = index & LONG_PREFIX_MASK;
            if (i >= volume.longPrefixes().size()) {
                throw data.corrupt(at + OFF_ENTRY_NAME_INDEX, nid, what + " uses long prefix " + i + " but the image has "
                        + volume.longPrefixes().size());
            }
            ErofsVolume.LongPrefix p = volume.longPrefixes().get(i);
            prefix = concat(p.base().prefix(), p.infix());
            hashed = concat(p.infix(), suffix);
            filterIndex = p.base().index();
        } else {
            XattrPrefix p = XattrPrefix.ofIndex(index);
            if (p == null) {
                throw data.corrupt(at + OFF_ENTRY_NAME_INDEX, nid, what + " has unknown name index " + index);
            }
            prefix = p.prefix();
            hashed = suffix;
            filterIndex = index;
        }
        byte[] name = concat(prefix, suffix);
        if (name.length == 0) {
            throw data.corrupt(at, nid, what + " has an empty name");
        }
        for (int i = 0; i < suffix.length; i++) {
            if (suffix[i] == 0) {
                throw data.corrupt(at + ENTRY_HEADER_SIZE + i, nid, what + " name contains NUL");
            }
        }
        if (volume.xattrFilter() && (filter >>> XattrLayout.filterBit(filterIndex, hashed, 0, hashed.length) & 1) != 0) {
            throw data.corrupt(inode.xattrOffset(), nid, "the xattr name filter 0x" + Long.toHexString(filter)
                    + " claims '" + Name.of(name) + "' absent, but the inode has it");
        }
        return new Entry(Name.of(name), at + ENTRY_HEADER_SIZE + suffixLength, valueLength);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
