package dev.composefs.nio;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedFileSystemException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a file system is open, and what it handed out that must close with it (channels and
 * streams; directory streams ask {@link #isOpen()} instead): the one home of the open/closed check.
 */
final class FileSystemState {
    private volatile boolean open = true;
    private final Set<Closeable> resources = ConcurrentHashMap.newKeySet();

    /** @throws ClosedFileSystemException if the file system was closed */
    void checkOpen() {
        if (!open) {
            throw new ClosedFileSystemException();
        }
    }

    boolean isOpen() {
        return open;
    }

    /**
     * Registers {@code resource} to be closed with the file system and returns it; if the file system
     * was closed meanwhile, closes it and throws {@link ClosedFileSystemException}.
     */
    <C extends Closeable> C register(C resource) throws IOException {
        resources.add(resource);
        if (!open) {
            resources.remove(resource);
            resource.close();
            throw new ClosedFileSystemException();
        }
        return resource;
    }

    void unregister(Closeable resource) {
        resources.remove(resource);
    }

    /**
     * Marks the file system closed and closes every registered resource, including ones registered
     * while closing. Returns false if it was already closed.
     */
    boolean close() throws IOException {
        synchronized (this) {
            if (!open) {
                return false;
            }
            open = false;
        }
        IOException failure = null;
        while (!resources.isEmpty()) {
            for (Closeable c : resources) {
                resources.remove(c);
                try {
                    c.close();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return true;
    }
}
