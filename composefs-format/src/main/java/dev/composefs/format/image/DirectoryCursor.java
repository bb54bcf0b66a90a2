package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;

/**
 * A lazy, forward-only walk over the entries of one directory of an image, in the image's stored
 * order (byte order of the names). A flyweight: {@link #next()} moves to the next entry and the other
 * methods describe the current one, so listing a directory allocates nothing per entry unless
 * {@link #name()} is called. {@code .} and {@code ..} are never returned.
 *
 * <p>A reader may check a directory as its first cursor lists it: every entry a cursor returns passed
 * the checks that concern it, and damage further on, or in what holds for the directory as a whole
 * (its link count, say), is reported by the {@link #next()} that reaches it, at the latest the last
 * one. After a failure every further move fails too.
 *
 * <p>Not thread-safe; open one cursor per walker.
 */
public interface DirectoryCursor {
    /**
     * Moves to the next entry.
     *
     * @return {@code false} when there are no more entries
     * @throws CorruptImageException if the directory data is damaged
     */
    boolean next() throws IOException;

    /** The length of the current entry's name in bytes. */
    int nameLength();

    /** Copies the current entry's name into {@code dst} at {@code offset}. */
    void copyName(byte[] dst, int offset) throws IOException;

    /** The current entry's name, as a new {@link Name}. */
    default Name name() throws IOException {
        byte[] b = new byte[nameLength()];
        copyName(b, 0);
        return Name.of(b);
    }

    /** The inode number the current entry names. */
    long inode();

    /** The file type of the current entry's inode. */
    FileType fileType();

    /**
     * The status of the current entry's inode ({@link Image#stat} of {@link #inode()}) if the cursor
     * decoded it anyway, else {@code null}: a cursor that checks its directory as it lists it (the
     * first listing of an EROFS directory) decodes every entry's inode, and a caller about to stat
     * each entry, such as a walk, is spared decoding it again.
     */
    default Stat knownStat() {
        return null;
    }
}
