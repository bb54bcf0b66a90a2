package dev.composefs.format.erofs;

import dev.composefs.format.image.AbstractDirectoryCursor;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * A cursor over one validated EROFS directory, block by block, skipping {@code .} and {@code ..} and,
 * in the mounted view, the entries the view hides ({@link ErofsIndex#hidden}).
 */
final class ErofsDirectoryCursor extends AbstractDirectoryCursor {
    private final ErofsDirectory directory;
    private final ErofsIndex index;
    private int block;
    private int entry = -1;
    private int count;
    private boolean done;

    ErofsDirectoryCursor(ErofsDirectory directory, ErofsIndex index) throws IOException {
        this.directory = directory;
        this.index = index;
        this.count = directory.blockCount() > 0 ? directory.entryCount(0) : 0;
        this.done = directory.blockCount() == 0;
    }

    @Override
    public boolean next() throws IOException {
        unposition();
        while (!done) {
            entry++;
            if (entry >= count) {
                block++;
                if (block >= directory.blockCount()) {
                    done = true;
                    break;
                }
                entry = 0;
                count = directory.entryCount(block);
                if (count == 0) {
                    continue;
                }
            }
            if (directory.isDotOrDotDot(block, entry)) {
                continue;
            }
            long target = directory.nid(block, entry);
            if (index.hidden(target)) {
                continue;
            }
            position(target, directory.nameLength(block, entry),
                    index.whiteout(target) ? FileType.CHAR_DEVICE : ErofsDirectory.fileType(directory.fileType(block, entry)));
            return true;
        }
        return false;
    }

    @Override
    protected void copyCurrentName(byte[] dst, int offset) throws IOException {
        directory.copyName(block, entry, dst, offset);
    }
}
