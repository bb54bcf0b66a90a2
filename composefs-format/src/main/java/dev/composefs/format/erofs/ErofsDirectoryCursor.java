package dev.composefs.format.erofs;

import dev.composefs.format.image.AbstractDirectoryCursor;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * A cursor over one checked EROFS directory ({@link ErofsValidator#directory}), block by block,
 * skipping {@code .} and {@code ..} and the entries the view hides ({@link ErofsView#entryType}).
 */
final class ErofsDirectoryCursor extends AbstractDirectoryCursor {
    private final ErofsDirectory directory;
    private final ErofsView view;
    private int block;
    private int entry = -1;
    private int count;
    private boolean done;

    ErofsDirectoryCursor(ErofsDirectory directory, ErofsView view) throws IOException {
        this.directory = directory;
        this.view = view;
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
            FileType type = view.entryType(target, ErofsDirectory.fileType(directory.fileType(block, entry)));
            if (type == null) {
                continue;
            }
            position(target, directory.nameLength(block, entry), type);
            return true;
        }
        return false;
    }

    @Override
    protected void copyCurrentName(byte[] dst, int offset) throws IOException {
        directory.copyName(block, entry, dst, offset);
    }
}
