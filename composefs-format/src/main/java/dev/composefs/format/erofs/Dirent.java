package dev.composefs.format.erofs;

/**
 * The 12-byte EROFS directory entry ({@code struct erofs_dirent}). A directory block (or inline tail)
 * holds n dirents, then their names back to back without NUL; the first dirent's {@code nameoff}
 * is 12·n, which is how readers find n.
 */
public final class Dirent {
    private Dirent() {
    }

    /** The size of the struct. */
    public static final int SIZE = 12;
    /** Offset of {@code nid} (u64). */
    public static final int OFF_NID = 0;
    /** Offset of {@code nameoff} (u16), from the start of the block or tail. */
    public static final int OFF_NAMEOFF = 8;
    /** Offset of {@code file_type} (u8): an {@code EROFS_FT_*} code ({@link #fileTypeOfMode}). */
    public static final int OFF_FILE_TYPE = 10;

    /** {@code EROFS_FT_UNKNOWN}. */
    public static final int EROFS_FT_UNKNOWN = 0;
    /** {@code EROFS_FT_REG_FILE}. */
    public static final int EROFS_FT_REG_FILE = 1;
    /** {@code EROFS_FT_DIR}. */
    public static final int EROFS_FT_DIR = 2;
    /** {@code EROFS_FT_CHRDEV}. */
    public static final int EROFS_FT_CHRDEV = 3;
    /** {@code EROFS_FT_BLKDEV}. */
    public static final int EROFS_FT_BLKDEV = 4;
    /** {@code EROFS_FT_FIFO}. */
    public static final int EROFS_FT_FIFO = 5;
    /** {@code EROFS_FT_SOCK}. */
    public static final int EROFS_FT_SOCK = 6;
    /** {@code EROFS_FT_SYMLINK}. */
    public static final int EROFS_FT_SYMLINK = 7;

    /** The {@code EROFS_FT_*} code for an inode of {@code mode}; {@link #EROFS_FT_UNKNOWN} for an invalid type. */
    public static int fileTypeOfMode(int mode) {
        switch (mode & 0170000) {
            case 0100000: return EROFS_FT_REG_FILE;
            case 0040000: return EROFS_FT_DIR;
            case 0020000: return EROFS_FT_CHRDEV;
            case 0060000: return EROFS_FT_BLKDEV;
            case 0010000: return EROFS_FT_FIFO;
            case 0140000: return EROFS_FT_SOCK;
            case 0120000: return EROFS_FT_SYMLINK;
            default: return EROFS_FT_UNKNOWN;
        }
    }
}
