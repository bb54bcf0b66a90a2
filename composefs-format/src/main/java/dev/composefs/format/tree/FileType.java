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
        // A switch, not a scan of values(): this runs for every stat of every walk.
        return switch (mode & S_IFMT) {
            case 0010000 -> FIFO;
            case 0020000 -> CHAR_DEVICE;
            case 0040000 -> DIRECTORY;
            case 0060000 -> BLOCK_DEVICE;
            case 0100000 -> REGULAR;
            case 0120000 -> SYMLINK;
            case 0140000 -> SOCKET;
            default -> null;
        };
    }

    /** The type with Linux {@code DT_*} code {@code code}, or {@code null} for any other code. */
    public static FileType ofDirentType(int code) {
        return switch (code) {
            case 1 -> FIFO;
            case 2 -> CHAR_DEVICE;
            case 4 -> DIRECTORY;
            case 6 -> BLOCK_DEVICE;
            case 8 -> REGULAR;
            case 10 -> SYMLINK;
            case 12 -> SOCKET;
            default -> null;
        };
    }
}
