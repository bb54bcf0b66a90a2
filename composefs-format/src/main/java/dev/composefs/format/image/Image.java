package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A composefs image opened for reading, whatever its format: the one read interface of the library.
 *
 * <p>It speaks inode numbers and small immutable values and never builds a tree in memory (see
 * {@link ImageTree} for that). Inode numbers are those of the image; {@link #rootInode()} is the
 * start of every walk. Names and other strings are bytes.
 *
 * <p>Implementations validate the image's structure; damage is reported as a
 * {@link CorruptImageException}. Passing an inode number the image does not have is a programming
 * error ({@link IllegalArgumentException}); a reader that checks lazily may instead find the bytes at
 * such a number damaged ({@link CorruptImageException}). Implementations are safe for concurrent reads.
 */
public interface Image extends Closeable {

    /**
     * Opens the image file {@code file} in the {@link ImageView#MOUNTED mounted view}, recognising its
     * format by its magic number.
     *
     * @throws UnsupportedImageException if the file is not an image this library can read
     * @throws CorruptImageException     if it is, but it is damaged
     */
    static Image open(Path file) throws IOException {
        return open(ImageData.map(file), ImageView.MOUNTED);
    }

    /**
     * Opens the image file {@code file} in {@code view}, recognising its format by its magic number.
     *
     * @throws UnsupportedImageException if the file is not an image this library can read
     * @throws CorruptImageException     if it is, but it is damaged
     */
    static Image open(Path file, ImageView view) throws IOException {
        return open(ImageData.map(file), view);
    }

    /**
     * Opens an image over {@code data} in the {@link ImageView#MOUNTED mounted view}, like
     * {@link #open(ImageData, ImageView)}.
     */
    static Image open(ImageData data) throws IOException {
        return open(data, ImageView.MOUNTED);
    }

    /**
     * Opens an image over {@code data} in {@code view}, recognising its format by its magic number. The
     * image owns {@code data} from then on; on failure {@code data} is closed.
     *
     * @throws UnsupportedImageException if the data is not an image this library can read
     * @throws CorruptImageException     if it is, but it is damaged
     */
    static Image open(ImageData data, ImageView view) throws IOException {
        Objects.requireNonNull(view, "view");
        try {
            ImageFormat format = ImageFormat.detect(data);
            if (format == null) {
                throw new UnsupportedImageException(data.file()
                        + ": not a composefs image (neither the descriptor nor the EROFS magic number)");
            }
            return format.open(data, view);
        } catch (IOException | RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** The format of this image. */
    ImageFormat format();

    /** The image file (for images read from memory: the name they were given). */
    Path path();

    /** The number of inodes in the image. */
    long inodeCount();

    /** The inode number of the root directory. */
    long rootInode();

    /** The status of inode {@code ino}. */
    Stat stat(long ino) throws IOException;

    /**
     * The file type of inode {@code ino}: what path resolution asks of every name it passes, so
     * readers answer it without decoding the whole {@link Stat}.
     */
    default FileType fileType(long ino) throws IOException {
        return stat(ino).type();
    }

    /**
     * Looks up {@code name[offset, offset + length)} in directory {@code dirIno} by binary search.
     *
     * @return the inode number of the entry, or -1 if the directory has no such entry
     * @throws java.nio.file.NotDirectoryException if {@code dirIno} is not a directory
     */
    long lookup(long dirIno, byte[] name, int offset, int length) throws IOException;

    /** Looks up {@code name} in directory {@code dirIno}, like {@link #lookup(long, byte[], int, int)}. */
    default long lookup(long dirIno, Name name) throws IOException {
        byte[] b = name.bytes();
        return lookup(dirIno, b, 0, b.length);
    }

    /**
     * A cursor over the entries of directory {@code dirIno}.
     *
     * @throws java.nio.file.NotDirectoryException if {@code dirIno} is not a directory
     */
    DirectoryCursor openDirectory(long dirIno) throws IOException;

    /**
     * The target of symlink {@code ino}.
     *
     * @throws java.nio.file.NotLinkException if {@code ino} is not a symlink
     */
    byte[] readSymlink(long ino) throws IOException;

    /** The extended attributes of inode {@code ino}, in stored order; empty if it has none. */
    List<Xattr> xattrs(long ino) throws IOException;

    /**
     * Where the content of regular file {@code ino} is.
     *
     * @throws java.nio.file.FileSystemException if {@code ino} is not a regular file
     */
    Content content(long ino) throws IOException;

    /** Releases the image; afterwards reads fail. Idempotent. */
    @Override
    void close() throws IOException;
}
