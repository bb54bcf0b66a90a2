package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * What every {@link DirectoryCursor} keeps about its current entry (inode, name length, type, the
 * status if known) and the check that it is on one. A format's cursor moves with {@link #next()}, calls
 * {@link #position} or {@link #unposition}, and copies the current name.
 */
public abstract class AbstractDirectoryCursor implements DirectoryCursor {
    private boolean positioned;
    private long inode;
    private int nameLength;
    private FileType fileType;
    private Stat stat;

    /** Makes the entry just reached the current one. */
    protected final void position(long inode, int nameLength, FileType fileType) {
        position(inode, nameLength, fileType, null);
    }

    /** Makes the entry just reached the current one, whose status the cursor decoded ({@link #knownStat}). */
    protected final void position(long inode, int nameLength, FileType fileType, Stat stat) {
        this.inode = inode;
        this.nameLength = nameLength;
        this.fileType = fileType;
        this.stat = stat;
        this.positioned = true;
    }

    /** Leaves the cursor on no entry (before the first move, or past the end). */
    protected final void unposition() {
        positioned = false;
    }

    /** Copies the current entry's name, which the cursor is known to be on. */
    protected abstract void copyCurrentName(byte[] dst, int offset) throws IOException;

    private void checkPositioned() {
        if (!positioned) {
            throw new IllegalStateException("the cursor is not on an entry");
        }
    }

    @Override
    public final int nameLength() {
        checkPositioned();
        return nameLength;
    }

    @Override
    public final void copyName(byte[] dst, int offset) throws IOException {
        checkPositioned();
        copyCurrentName(dst, offset);
    }

    @Override
    public final long inode() {
        checkPositioned();
        return inode;
    }

    @Override
    public final FileType fileType() {
        checkPositioned();
        return fileType;
    }

    @Override
    public final Stat knownStat() {
        checkPositioned();
        return stat;
    }
}
