package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * The entries of one EROFS directory: its data split into blocks of 4096 bytes (the last possibly the
 * inline tail), each holding n {@link Dirent}s followed by their names. The first dirent's
 * {@code nameoff} is 12·n; a name runs to the next dirent's {@code nameoff}, the last one to the end of
 * the block or its first NUL. Entries are sorted by name across all blocks, {@code .} and {@code ..}
 * among them, which makes lookup a binary search over blocks and then within one.
 *
 * <p>{@link #checkBlock} validates a block's layout; the accessors assume it passed, but every read
 * still goes through {@link ImageData}'s bounds checks. {@link ErofsValidator} checks a whole
 * directory before the reader lists or searches it.
 */
final class ErofsDirectory {
    /** {@code EROFS_NAME_LEN}: the longest name. */
    static final int NAME_MAX = 255;
    /** File types by {@code EROFS_FT_*} code: every listed entry needs one. */
    private static final FileType[] FILE_TYPES = new FileType[Dirent.EROFS_FT_SYMLINK + 1];

    static {
        for (FileType t : FileType.values()) {
            FILE_TYPES[Dirent.fileTypeOfMode(t.modeBits())] = t;
        }
    }

    private final ImageData data;
    private final ErofsInode inode;
    private final InodeData layout;

    ErofsDirectory(ImageData data, ErofsInode inode) {
        this.data = data;
        this.inode = inode;
        this.layout = new InodeData(data, inode);
    }

    /** The directory inode. */
    ErofsInode inode() {
        return inode;
    }

    /** The number of blocks. */
    int blockCount() {
        return layout.directoryBlocks();
    }

    /** Byte offset of block {@code block}. */
    long blockOffset(int block) {
        return layout.blockOffset(block);
    }

    /** The number of dirents in block {@code block}. */
    int entryCount(int block) throws IOException {
        return data.u16(blockOffset(block) + Dirent.OFF_NAMEOFF) / Dirent.SIZE;
    }

    private long direntOffset(int block, int entry) {
        return blockOffset(block) + (long) entry * Dirent.SIZE;
    }

    /** The nid entry {@code entry} of block {@code block} names. */
    long nid(int block, int entry) throws IOException {
        return nidAt(direntOffset(block, entry));
    }

    /** The nid the dirent at byte offset {@code dirent} names. */
    long nidAt(long dirent) throws IOException {
        return data.u64(dirent + Dirent.OFF_NID);
    }

    /** The {@code EROFS_FT_*} file type of the entry. */
    int fileType(int block, int entry) throws IOException {
        return fileTypeAt(direntOffset(block, entry));
    }

    /** The {@code EROFS_FT_*} file type of the dirent at byte offset {@code dirent}. */
    int fileTypeAt(long dirent) throws IOException {
        return data.u8(dirent + Dirent.OFF_FILE_TYPE);
    }

    /** The {@code nameoff} of the dirent at byte offset {@code dirent}: where its name starts in its block. */
    int nameoffAt(long dirent) throws IOException {
        return data.u16(dirent + Dirent.OFF_NAMEOFF);
    }

    /** The file type an {@code EROFS_FT_*} code stands for, or {@code null} for an unknown code. */
    static FileType fileType(int erofsFileType) {
        return erofsFileType < FILE_TYPES.length ? FILE_TYPES[erofsFileType] : null;
    }

    /** Byte offset of the entry's name in the file. */
    long nameOffset(int block, int entry) throws IOException {
        return blockOffset(block) + data.u16(direntOffset(block, entry) + Dirent.OFF_NAMEOFF);
    }

    /** The length of the entry's name, or a negative number if the dirents are out of order. */
    int nameLength(int block, int entry) throws IOException {
        long dirent = direntOffset(block, entry);
        return nameLength(block, entryCount(block), entry, dirent, nameoffAt(dirent));
    }

    /**
     * The length of the name of the dirent at byte offset {@code dirent}, entry {@code entry} of the
     * {@code count} in block {@code block}, whose name starts at {@code start} within the block: up to
     * the next dirent's name, or for the last one up to the end of the block or its first NUL, at most
     * {@code NAME_MAX + 1}. Not positive if the dirents are out of order or {@code start} is not inside
     * the block.
     */
    int nameLength(int block, int count, int entry, long dirent, int start) throws IOException {
        return entry + 1 < count ? nameoffAt(dirent + Dirent.SIZE) - start : lastNameLength(block, start);
    }

    private int lastNameLength(int block, int start) throws IOException {
        int max = Math.min(layout.blockLength(block) - start, NAME_MAX + 1);
        if (max <= 0) {
            return max;
        }
        long nul = data.indexOf(blockOffset(block) + start, max, (byte) 0);
        return nul < 0 ? max : (int) (nul - blockOffset(block) - start);
    }

    /** Whether the name of {@code length} bytes at byte offset {@code at} is {@code .} or {@code ..}. */
    boolean isDotOrDotDot(long at, int length) throws IOException {
        return (length == 1 || length == 2) && data.u8(at) == '.' && (length == 1 || data.u8(at + 1) == '.');
    }

    /**
     * Checks block {@code block}, whose table {@link #checkTable} checked: names in increasing
     * offsets, each 1..255 bytes, without NUL or {@code /}. Notes each entry's {@code nameoff} and
     * name length in {@code nameoffs} and {@code lengths} (at least {@code count} long), so the
     * checks that follow need not work them out again.
     *
     * @param count the number of entries, as {@link #checkTable} found them
     */
    void checkBlock(int block, int count, int[] nameoffs, int[] lengths) throws IOException {
        long start = blockOffset(block);
        int blockLength = layout.blockLength(block);
        ImageData.Window table = data.window(start, count * Dirent.SIZE, inode.nid(), "dirent table");
        // Each name runs to the next one's nameoff, so the names tile one range of the block: its
        // bytes are scanned for '/' and NUL once, not name by name.
        int nameoff = count * Dirent.SIZE;
        for (int i = 0; i < count; i++) {
            int next = i + 1 < count ? table.u16((i + 1) * Dirent.SIZE + Dirent.OFF_NAMEOFF) : 0;
            int length = i + 1 < count ? next - nameoff : lastNameLength(block, nameoff);
            if (nameoff > blockLength || length < 1 || length > NAME_MAX) {
                throw badName(block, i, nameoff, length);
            }
            nameoffs[i] = nameoff;
            lengths[i] = length;
            nameoff = next;
        }
        int first = count * Dirent.SIZE;
        int end = nameoffs[count - 1] + lengths[count - 1];
        long bad = data.indexOfEither(start + first, end - first, (byte) '/', (byte) 0);
        if (bad >= 0) {
            int i = 0;
            while (i + 1 < count && start + nameoffs[i + 1] <= bad) {
                i++;
            }
            throw data.corrupt(bad, inode.nid(), "dirent " + i + " of block " + block + " has '/' or NUL in its name");
        }
    }

    /** Checks that block {@code block} lies in the file and starts a dirent table that fits it; returns its size. */
    int checkTable(int block) throws IOException {
        long nid = inode.nid();
        long start = blockOffset(block);
        int length = layout.blockLength(block);
        data.check(start, length, nid, "directory block %d", block);
        if (length < Dirent.SIZE) {
            throw data.corrupt(start, nid, "directory block " + block + " of " + length + " bytes holds no dirent");
        }
        int first = data.u16(start + Dirent.OFF_NAMEOFF);
        if (first < Dirent.SIZE || first % Dirent.SIZE != 0 || first >= length) {
            throw data.corrupt(start + Dirent.OFF_NAMEOFF, nid, "directory block " + block + " starts with nameoff "
                    + first + ", not a multiple of 12 within its " + length + " bytes");
        }
        return first / Dirent.SIZE;
    }

    /**
     * Checks that entry {@code entry} of a block whose table passed {@link #checkTable} has a name of
     * 1..255 bytes in it; returns the name's length.
     */
    private int checkName(int block, int entry) throws IOException {
        long at = direntOffset(block, entry);
        int first = data.u16(blockOffset(block) + Dirent.OFF_NAMEOFF);
        int nameoff = data.u16(at + Dirent.OFF_NAMEOFF);
        int nameLength = nameLength(block, entry);
        if (nameoff < first || nameoff > layout.blockLength(block) || nameLength < 1 || nameLength > NAME_MAX) {
            throw badName(block, entry, nameoff, nameLength);
        }
        return nameLength;
    }

    private IOException badName(int block, int entry, int nameoff, int nameLength) {
        return data.corrupt(direntOffset(block, entry) + Dirent.OFF_NAMEOFF, inode.nid(), "dirent " + entry + " of block "
                + block + " has nameoff " + nameoff + " and a name of " + nameLength + " bytes (names must be 1.."
                + NAME_MAX + " bytes in increasing order within the block)");
    }

    /** Copies the entry's name into {@code dst} at {@code offset}. */
    void copyName(int block, int entry, byte[] dst, int offset) throws IOException {
        data.copy(nameOffset(block, entry), dst, offset, nameLength(block, entry));
    }

    /** Copies the name of {@code length} bytes at byte offset {@code at} into {@code dst} at {@code offset}. */
    void copyName(long at, int length, byte[] dst, int offset) throws IOException {
        data.copy(at, dst, offset, length);
    }

    /** Compares the name of an entry with {@code key[offset, offset + length)}. */
    int compare(int block, int entry, byte[] key, int offset, int length) throws IOException {
        return data.compare(nameOffset(block, entry), nameLength(block, entry), key, offset, length);
    }

    /**
     * Where the entry named {@code key[offset, offset + length)} is, or -1: a binary search for the
     * last block whose first name is not after the key, then within that block. The answer packs the
     * block into the high and the entry into the low 32 bits ({@link #block}, {@link #entry}).
     *
     * <p>The search trusts the directory's order and layout, so it is for directories that passed
     * {@link #checkBlock} and the order checks; with {@code guarded} it instead checks every block
     * table and name it reads ({@link #checkTable}, {@link #checkName}) and can run on a directory
     * nobody checked yet. Either way the answer is a function of the directory's bytes alone.
     */
    long find(byte[] key, int offset, int length, boolean guarded) throws IOException {
        int lo = 0;
        int hi = blockCount() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (guarded) {
                checkTable(mid);
                checkName(mid, 0);
            }
            if (compare(mid, 0, key, offset, length) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (hi < 0) {
            return -1;
        }
        int block = lo;
        int low = 0;
        int high = guarded ? checkTable(block) : entryCount(block);
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (guarded) {
                checkName(block, mid);
            }
            int c = compare(block, mid, key, offset, length);
            if (c < 0) {
                low = mid + 1;
            } else if (c > 0) {
                high = mid;
            } else {
                return (long) block << 32 | mid;
            }
        }
        return -1;
    }

    /**
     * Where the {@code ..} entry is, or -1, as {@link #find} answers: a function of the directory's
     * bytes, which may be unchecked. Entry 1 of block 0 is tried first, and taken if it is well formed
     * and named {@code ..}: {@code .} and {@code ..} sort before every name but those starting with a
     * byte below {@code '.'}, so there it is in nearly every directory, and one probe replaces a
     * binary search. Otherwise a guarded {@link #find}.
     */
    long parentEntry() throws IOException {
        long start = blockOffset(0);
        int blockLength = layout.blockLength(0);
        if (blockLength >= 2 * Dirent.SIZE && data.inBounds(start, blockLength)) {
            int first = data.u16(start + Dirent.OFF_NAMEOFF);
            if (first % Dirent.SIZE == 0 && first >= 2 * Dirent.SIZE && first < blockLength) {
                long dirent = start + Dirent.SIZE;
                int nameoff = nameoffAt(dirent);
                int length = nameLength(0, first / Dirent.SIZE, 1, dirent, nameoff);
                if (length == 2 && nameoff >= first && nameoff + 2 <= blockLength && isDotOrDotDot(start + nameoff, 2)) {
                    return 1;
                }
            }
        }
        return find(DOTDOT, 0, DOTDOT.length, true);
    }

    private static final byte[] DOTDOT = {'.', '.'};

    /** The block of a {@link #find} answer. */
    static int block(long position) {
        return (int) (position >>> 32);
    }

    /** The entry within its block of a {@link #find} answer. */
    static int entry(long position) {
        return (int) position;
    }
}
