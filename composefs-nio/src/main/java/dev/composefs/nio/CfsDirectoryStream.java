package dev.composefs.nio;

import dev.composefs.format.image.DirectoryCursor;
import java.io.IOException;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A lazy directory stream straight over the image's directory entries: each entry becomes
 * {@code dir.resolve(name)} (remembering its inode) when the iterator reaches it, and is offered to
 * the filter then. One iterator per stream; after {@link #close()}, or once the file system is
 * closed, an iterator already obtained behaves as exhausted. A stream holds nothing but a cursor over
 * the mapped image, so it asks the file system's state instead of registering with it: a walk opens
 * one stream per directory, and registering each cost more than listing a small directory. A damaged directory or a failing filter ends iteration with a
 * {@link DirectoryIteratorException}.
 */
final class CfsDirectoryStream implements DirectoryStream<Path> {
    private final CfsPath dir;
    private final DirectoryCursor cursor;
    private final Filter<? super Path> filter;
    private final FileSystemState state;
    private volatile boolean closed;
    private boolean iterated;

    CfsDirectoryStream(CfsPath dir, DirectoryCursor cursor, Filter<? super Path> filter, FileSystemState state) {
        this.dir = dir;
        this.cursor = cursor;
        this.filter = filter;
        this.state = state;
    }

    private boolean isClosed() {
        return closed || !state.isOpen();
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (isClosed()) {
            throw new ClosedDirectoryStreamException();
        }
        if (iterated) {
            throw new IllegalStateException("iterator() was already called on this directory stream");
        }
        iterated = true;
        return new Entries();
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * Not synchronized: an iterator is for one thread (zipfs's is not synchronized either), and
     * {@link #close()} from another thread only sets a volatile flag this checks. Two monitor round
     * trips per entry cost more than the cursor's move to the next entry.
     */
    private final class Entries implements Iterator<Path> {
        private Path next;

        @Override
        public boolean hasNext() {
            if (next == null && !isClosed()) {
                next = advance();
            }
            return next != null;
        }

        @Override
        public Path next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Path p = next;
            next = null;
            return p;
        }

        private Path advance() {
            try {
                while (cursor.next()) {
                    CfsPath p = dir.resolveEntry(cursor);
                    if (filter == null || filter.accept(p)) {
                        return p;
                    }
                }
                return null;
            } catch (IOException e) {
                throw new DirectoryIteratorException(e);
            }
        }
    }
}
