package dev.composefs.nio;

import java.nio.file.FileSystemException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound on files a file system has open at once ({@link CfsOptions#MAX_OPEN_FILES}): each open
 * channel holds one slot, taken before its backing object is opened and given back when it closes,
 * so a caller that leaks channels cannot exhaust the process's file descriptors or memory.
 */
final class OpenFileLimit {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    OpenFileLimit(int max) {
        this.max = max;
    }

    /**
     * Takes a slot for {@code file}.
     *
     * @throws FileSystemException "Too many open files" naming {@code file} if all slots are taken
     */
    Slot acquire(String file) throws FileSystemException {
        int n;
        do {
            n = open.get();
            if (n >= max) {
                throw new FileSystemException(file, null, "Too many open files (" + max + " open in this file system;"
                        + " see the " + CfsOptions.MAX_OPEN_FILES + " option)");
            }
        } while (!open.compareAndSet(n, n + 1));
        return new Slot();
    }

    /** How many slots are taken. */
    int open() {
        return open.get();
    }

    /** One taken slot; releasing it more than once has no further effect. */
    final class Slot {
        private final AtomicBoolean released = new AtomicBoolean();

        private Slot() {
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }
}
