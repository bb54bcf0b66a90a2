package dev.composefs.format.erofs;

import dev.composefs.format.tree.Name;

/**
 * The layout of an inode's xattr body ({@code struct erofs_xattr_ibody_header}, then shared ids, then
 * {@code struct erofs_xattr_entry} records) and of the shared xattr table, which holds entries of the
 * same form.
 */
public final class XattrLayout {
    private XattrLayout() {
    }

    /** Size of {@code struct erofs_xattr_ibody_header}. */
    public static final int IBODY_HEADER_SIZE = 12;
    /** Offset of {@code h_name_filter} (u32) in the body header; bits are set for names absent. */
    public static final int OFF_NAME_FILTER = 0;
    /** Offset of {@code h_shared_count} (u8) in the body header. */
    public static final int OFF_SHARED_COUNT = 4;
    /** Size of one shared xattr id (u32). */
    public static final int SHARED_ID_SIZE = 4;
    /** The most shared ids composefs gives one inode; further shared xattrs are stored inline. */
    public static final int MAX_SHARED_PER_INODE = 128;
    /** Size of {@code struct erofs_xattr_entry} before the name. */
    public static final int ENTRY_HEADER_SIZE = 4;
    /** Offset of {@code e_name_len} (u8) in an entry. */
    public static final int OFF_ENTRY_NAME_LEN = 0;
    /** Offset of {@code e_name_index} (u8) in an entry. */
    public static final int OFF_ENTRY_NAME_INDEX = 1;
    /** Offset of {@code e_value_size} (u16) in an entry. */
    public static final int OFF_ENTRY_VALUE_SIZE = 2;
    /** Entries, and the body as a whole, are aligned to 4 bytes. */
    public static final int ALIGNMENT = 4;

    /** The size of an entry for an xattr named {@code name} (full name) with {@code valueLength} value bytes. */
    public static int entrySize(Name name, int valueLength) {
        int suffix = name.length() - XattrPrefix.forWriting(name).prefixLength();
        return align(ENTRY_HEADER_SIZE + suffix + valueLength);
    }

    /** {@code i_xattr_icount} for a body of {@code bodySize} bytes (0 for no body). */
    public static int icount(int bodySize) {
        return bodySize == 0 ? 0 : (bodySize - IBODY_HEADER_SIZE) / 4 + 1;
    }

    /** The body size an {@code i_xattr_icount} stands for. */
    public static int bodySize(int icount) {
        return icount == 0 ? 0 : IBODY_HEADER_SIZE + (icount - 1) * 4;
    }

    /**
     * The name filter bit of an xattr: xxh32 of its suffix, seeded with
     * {@link ErofsLayout#EROFS_XATTR_FILTER_SEED} plus its prefix index, modulo 32.
     */
    public static int filterBit(Name name) {
        XattrPrefix prefix = XattrPrefix.forWriting(name);
        byte[] bytes = name.bytes();
        return filterBit(prefix.index(), bytes, prefix.prefixLength(), bytes.length - prefix.prefixLength());
    }

    /**
     * The name filter bit of an xattr stored with prefix index {@code prefixIndex} and the suffix
     * {@code suffix[offset, offset + length)}, as a reader finds it in an entry.
     */
    public static int filterBit(int prefixIndex, byte[] suffix, int offset, int length) {
        int h = XxHash32.hash(suffix, offset, length, ErofsLayout.EROFS_XATTR_FILTER_SEED + prefixIndex);
        return h & (ErofsLayout.EROFS_XATTR_FILTER_BITS - 1);
    }

    private static int align(int n) {
        return (n + ALIGNMENT - 1) & -ALIGNMENT;
    }
}
