package dev.composefs.format.tree;

/**
 * The file types composefs stores, with their {@code st_mode} type bits ({@code S_IF*}) and the
 * directory-entry type codes ({@code DT_*}) the image formats use.
 */
public enum FileType {
    /** {@code S_IFIFO}. */
    FIFO(0010000, 1),
    /** {@code S_IFCHR}; with rdev 0, an overlayfs whiteout. */
    CHAR_DEVICE(0020000, 2),
    /** {@code S_IFDIR}. */
    DIRECTORY(0040000, 4),
    /** {@code S_IFBLK}. */
    BLOCK_DEVICE(0060000, 6),
    /** {@code S_IFREG}. */
    REGULAR(0100000, 8),
    /** {@code S_IFLNK}. */
    SYMLINK(0120000, 10),
    /** {@code S_IFSOCK}. */
    SOCKET(0140000, 12);

    /** The mask of the type bits in {@code st_mode}. */
    public static final int S_IFMT = 0170000;

    /** The types by {@code (mode & S_IFMT) >>> 12}, which is also their {@code DT_*} code; null for no type. */
    private static final FileType[] BY_TYPE_BITS = new FileType[16];

    static {
        for (FileType t : values()) {
            BY_TYPE_BITS[t.modeBits >>> 12] = t;
        }
    }

    private final int modeBits;
    private final int direntType;

    FileType(int modeBits, int direntType) {
        this.modeBits = modeBits;
        this.direntType = direntType;
    }

    /** The {@code S_IF*} bits of this type. */
    public int modeBits() {
        return modeBits;
    }

    /** The Linux {@code DT_*} code of this type. */
    public int direntType() {
        return direntType;
    }

    /** The type of {@code mode}, or {@code null} if its type bits name none of the seven types. */
    public static FileType ofMode(int mode) {
        // A table small enough for the JIT to inline at every call: this runs several times for each
        // entry of every walk, and the switch it replaced was too large to inline where it was not hot.
        return BY_TYPE_BITS[(mode & S_IFMT) >>> 12];
    }

    /** The type with Linux {@code DT_*} code {@code code}, or {@code null} for any other code. */
    public static FileType ofDirentType(int code) {
        // DT_* codes are the type bits shifted down, so one table serves both.
        return code >= 0 && code < BY_TYPE_BITS.length ? BY_TYPE_BITS[code] : null;
    }
}
