package dev.composefs.format.erofs;

import dev.composefs.format.image.AbstractDirectoryCursor;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * A cursor over one EROFS directory, block by block, skipping {@code .} and {@code ..} and the
 * entries the view hides.
 *
 * <p>The first listing of a directory checks it as it goes ({@link ErofsDirectoryCheck}): each block
 * when reached, each entry before it is served, the facts about the whole directory when the end is
 * reached, where a failure is reported by the last {@link #next()}. The entries' inodes are decoded
 * by the check, so their status comes with them ({@link #knownStat}). A failed check fails every
 * later {@link #next()} too.
 *
 * <p>A listing of a checked directory reads the dirents alone ({@link ErofsView#entryType}). It keeps
 * where the current block starts and how many dirents it holds, and takes a name's length from the
 * next dirent's {@code nameoff}: listing is the one hot path of a directory, and recomputing the
 * block's place for every field of every entry cost several times the reads themselves. The
 * directory's check guarantees the layout this relies on; every read still goes through
 * {@link dev.composefs.format.image.ImageData}'s bounds checks.
 */
final class ErofsDirectoryCursor extends AbstractDirectoryCursor {
    private final ErofsDirectory directory;
    private final ErofsView view;
    private final int blocks;
    /** The check this listing makes, until it is finished; null for a checked directory. */
    private ErofsDirectoryCheck check;
    private IOException failure;
    private int block = -1;
    private long blockStart;
    private int count;
    private int entry;
    /** Byte offset of the current entry's name. */
    private long nameAt;

    ErofsDirectoryCursor(ErofsDirectory directory, ErofsDirectoryCheck check, ErofsView view) {
        this.directory = directory;
        this.check = check;
        this.view = view;
        this.blocks = directory.blockCount();
    }

    @Override
    public boolean next() throws IOException {
        unposition();
        if (failure != null) {
            throw failure;
        }
        if (check == null) {
            return nextChecked();
        }
        try {
            return nextChecking();
        } catch (IOException e) {
            failure = e;
            throw e;
        }
    }

    private boolean nextChecking() throws IOException {
        while (true) {
            entry++;
            if (entry < count) {
                Stat stored = check.checkEntry(entry);
                Stat stat = stored == null ? null : view.shown(stored);
                if (stat != null) {
                    nameAt = check.nameOffset(entry);
                    position(stat.ino(), check.nameLength(entry), stat.type(), stat);
                    return true;
                }
            } else if (!checkNextBlock()) {
                return false;
            }
        }
    }

    /**
     * Checks the next block, or finishes the check after the last; false then. Kept apart from the
     * entry step, and after it: the JIT inlines a loop's calls in the order they appear and stops at
     * a budget, and the once-a-block work, inlined first, left the calls made for every entry out.
     */
    private boolean checkNextBlock() throws IOException {
        if (block + 1 >= blocks) {
            check.finish();
            check = null;
            block = blocks;
            entry = count;
            return false;
        }
        block++;
        count = check.checkBlock(block);
        entry = -1;
        return true;
    }

    /*
     * Its block step repeats nextChecking's on purpose: one method shared by both loops made this
     * listing 1.36x slower (the JIT keeps this loop tight only as written).
     */
    private boolean nextChecked() throws IOException {
        while (true) {
            entry++;
            while (entry >= count) {
                if (block + 1 >= blocks) {
                    block = blocks;
                    entry = count;
                    return false;
                }
                block++;
                blockStart = directory.blockOffset(block);
                count = directory.entryCount(block);
                entry = 0;
            }
            long dirent = blockStart + (long) entry * Dirent.SIZE;
            int start = directory.nameoffAt(dirent);
            int length = directory.nameLength(block, count, entry, dirent, start);
            long at = blockStart + start;
            if (directory.isDotOrDotDot(at, length)) {
                continue;
            }
            long target = directory.nidAt(dirent);
            FileType type = view.entryType(target, ErofsDirectory.fileType(directory.fileTypeAt(dirent)));
            if (type == null) {
                continue;
            }
            nameAt = at;
            position(target, length, type);
            return true;
        }
    }

    @Override
    protected void copyCurrentName(byte[] dst, int offset) throws IOException {
        directory.copyName(nameAt, nameLength(), dst, offset);
    }
}
