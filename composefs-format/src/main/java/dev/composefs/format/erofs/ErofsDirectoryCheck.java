package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;

/**
 * One run of the directory rules of {@link ErofsValidator} over one directory, made block by block
 * and entry by entry, so that it runs either whole before a lookup ({@link ErofsValidator#directory})
 * or along a first listing ({@link ErofsDirectoryCursor}), which then serves each entry only once it
 * passed and finds its inode already decoded: the first walk of an image decodes every inode once,
 * not twice.
 *
 * <p>A block is checked whole when reached ({@link #checkBlock}): its dirent table, its names'
 * lengths and bytes, and their order, with the last name of the block before. An entry is then
 * checked by its inode and the tree rules ({@link #checkEntry}); what holds for the whole directory
 * ({@code .} and {@code ..} present, nlink) once the last entry passed ({@link #finish}), which also
 * marks the directory checked. A subdirectory named twice is caught at its second name, before it is
 * served, so a listing never serves a directory twice even before its end is reached.
 */
final class ErofsDirectoryCheck {
    private static final int[] NONE = {};
    private final ErofsValidator validator;
    private final ImageData data;
    private final ErofsDirectory directory;
    private final long nid;
    /** Each entry's {@code nameoff} and name length in the block checked last, grown to the largest block. */
    private int[] nameoffs = NONE;
    private int[] lengths = NONE;
    private int block = -1;
    private long blockStart;
    private int count;
    /** The last name checked (in this block or one before), for the order rule; -1 before the first. */
    private long previousName = -1;
    private int previousLength;
    private int previousBlock;
    private int previousEntry;
    private boolean dot;
    private boolean dotdot;
    private NidSet subdirectories;

    ErofsDirectoryCheck(ErofsValidator validator, ImageData data, ErofsDirectory directory) {
        this.validator = validator;
        this.data = data;
        this.directory = directory;
        this.nid = directory.inode().nid();
    }

    /**
     * Checks block {@code b}, the one after the block checked last: its layout and names
     * ({@link ErofsDirectory#checkBlock}) and that its names sort after the ones before.
     *
     * @return the number of entries in the block
     */
    int checkBlock(int b) throws IOException {
        int n = directory.checkTable(b);
        if (nameoffs.length < n) {
            // Sized by the block: most directories hold a few entries, and a walk checks thousands.
            nameoffs = new int[n];
            lengths = new int[n];
        }
        directory.checkBlock(b, n, nameoffs, lengths);
        long start = directory.blockOffset(b);
        // The last name so far in locals: fields written around each compare cost more than it.
        long last = previousName;
        int lastLength = previousLength;
        for (int e = 0; e < n; e++) {
            long nameAt = start + nameoffs[e];
            int length = lengths[e];
            if (last >= 0 && data.compare(nameAt, length, last, lastLength) <= 0) {
                throw unordered(b, e);
            }
            last = nameAt;
            lastLength = length;
        }
        previousName = last;
        previousLength = lastLength;
        previousBlock = b;
        previousEntry = n - 1;
        block = b;
        blockStart = start;
        count = n;
        return n;
    }

    /** The report for entry {@code e} of block {@code b}, which does not sort after the name before it. */
    private IOException unordered(int b, int e) throws IOException {
        String before = e > 0 ? name(b, e - 1) : name(previousBlock, previousEntry);
        return data.corrupt(directory.blockOffset(b) + (long) e * Dirent.SIZE, nid, "dirent '" + name(b, e)
                + "' does not sort after '" + before + "': names must be unique and in byte order");
    }

    /** Byte offset of the name of entry {@code e} of the block checked last. */
    long nameOffset(int e) {
        return blockStart + nameoffs[e];
    }

    /** The length of the name of entry {@code e} of the block checked last. */
    int nameLength(int e) {
        return lengths[e];
    }

    /**
     * Checks entry {@code e} of the block checked last: {@code .} and {@code ..} by what they name,
     * any other by its inode, which must decode with the dirent's file type, and by the tree rules
     * for a subdirectory. Most entries pass through {@link ErofsValidator#plainStat}, which decodes
     * the inode straight into its status.
     *
     * @return the status of the entry's inode as stored (the raw view's), or {@code null} for
     *         {@code .} and {@code ..}
     */
    Stat checkEntry(int e) throws IOException {
        long at = blockStart + (long) e * Dirent.SIZE;
        long nameAt = blockStart + nameoffs[e];
        int length = lengths[e];
        if (directory.isDotOrDotDot(nameAt, length)) {
            boolean isDot = length == 1;
            checkDotEntry(e, isDot);
            dot |= isDot;
            dotdot |= !isDot;
            return null;
        }
        long target = directory.nidAt(at);
        FileType direntType = ErofsDirectory.fileType(directory.fileTypeAt(at));
        if (direntType != FileType.DIRECTORY && direntType != null) {
            Stat plain = validator.plainStat(target);
            if (plain != null && (plain.mode() & FileType.S_IFMT) == direntType.modeBits()) {
                return plain;
            }
        }
        return checkByInode(e, at, target, direntType);
    }

    /**
     * {@link #checkEntry} for a subdirectory, an entry {@link ErofsValidator#plainStat} declines, or a
     * damaged one: decodes the inode, checks its type, and applies the tree rules to a subdirectory.
     */
    private Stat checkByInode(int e, long at, long target, FileType direntType) throws IOException {
        if (!validator.inFile(target)) {
            throw data.corrupt(at + Dirent.OFF_NID, nid, "dirent '" + name(block, e) + "' names nid "
                    + Long.toUnsignedString(target) + ", past the end of the file");
        }
        ErofsInode child = validator.inode(target);
        if (direntType != child.type()) {
            throw data.corrupt(at + Dirent.OFF_FILE_TYPE, nid, "dirent '" + name(block, e) + "' has file type "
                    + directory.fileTypeAt(at) + " but inode " + target + " is a " + child.type());
        }
        if (direntType == FileType.DIRECTORY) {
            checkSubdirectory(e, child);
        } else {
            validator.remember(child);
        }
        return child.stat();
    }

    /**
     * What holds for the whole directory, once every entry passed {@link #checkEntry}: it has
     * {@code .} and {@code ..}, and nlink is 2 plus its subdirectories. Marks the directory checked.
     */
    void finish() throws IOException {
        ErofsInode inode = directory.inode();
        if (!dot || !dotdot) {
            throw data.corrupt(inode.offset(), nid, "directory lacks its '" + (dot ? ".." : ".") + "' entry");
        }
        int n = subdirectories == null ? 0 : subdirectories.size();
        if (inode.nlink() != 2 + n) {
            throw data.corrupt(inode.offset(), nid, "directory nlink " + inode.nlink() + " is not 2 + its " + n
                    + " subdirectories");
        }
        validator.checked(nid);
    }

    /**
     * {@code .} must name the directory, {@code ..} a directory: in the root the root, elsewhere the
     * parent, which the parent checks ({@link #checkSubdirectory}).
     */
    private void checkDotEntry(int e, boolean isDot) throws IOException {
        long at = blockStart + (long) e * Dirent.SIZE;
        long target = directory.nidAt(at);
        FileType direntType = ErofsDirectory.fileType(directory.fileTypeAt(at));
        boolean self = isDot || nid == validator.rootNid();
        if (direntType != FileType.DIRECTORY || (self && target != nid)) {
            throw data.corrupt(at, nid, "'" + name(block, e) + "' names nid " + Long.toUnsignedString(target)
                    + " of type " + direntType + ", not " + (self ? "directory " + nid : "a directory"));
        }
    }

    /** The rules that keep the served directories a tree; see {@link ErofsValidator}. */
    private void checkSubdirectory(int e, ErofsInode child) throws IOException {
        long target = child.nid();
        String problem = null;
        if (target == validator.rootNid()) {
            problem = "is the root";
        } else if (target == nid) {
            problem = "is this directory itself";
        } else {
            if (subdirectories == null) {
                subdirectories = new NidSet();
            }
            if (!subdirectories.add(target)) {
                problem = "already has a name in this directory";
            } else {
                ErofsDirectory sub = new ErofsDirectory(data, child);
                long found = sub.parentEntry();
                if (found < 0) {
                    problem = "has no '..' entry";
                } else {
                    long parent = sub.nid(ErofsDirectory.block(found), ErofsDirectory.entry(found));
                    if (parent != nid) {
                        problem = "has a '..' entry naming nid " + Long.toUnsignedString(parent) + ", not this directory";
                    } else {
                        validator.passed(sub);
                    }
                }
            }
        }
        if (problem != null) {
            throw data.corrupt(blockStart + (long) e * Dirent.SIZE, nid, "dirent '" + name(block, e)
                    + "' names directory " + target + ", which " + problem + ": a cycle or a directory with two names");
        }
    }

    private String name(int b, int e) throws IOException {
        int length = directory.nameLength(b, e);
        if (length <= 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        directory.copyName(b, e, bytes, 0);
        return Name.of(bytes).toString();
    }
}
