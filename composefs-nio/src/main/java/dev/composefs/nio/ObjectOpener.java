package dev.composefs.nio;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Opens backing objects for reading so that the caller never blocks for ever, whatever the store
 * holds at the moment of the {@code open(2)}.
 *
 * <p>Why: an object is checked to be a regular file before it is opened, but the store may change in
 * between, and opening a fifo swapped in there blocks until a writer appears; Java cannot ask for
 * {@code O_NONBLOCK}. So on the default provider the open runs on a worker thread (with
 * {@code O_NOFOLLOW}), and the caller waits in short slices, looking at the path between them. Once
 * the path no longer names the regular file that was checked, or after {@link #DEFAULT_TIMEOUT_MILLIS}
 * in any case, the caller fails with a {@link FileSystemException} and releases the stuck worker: on
 * Linux by opening the fifo read-write, which never blocks and is the writer the worker waits for.
 * A worker that cannot be released (a fifo this process may not write, a device whose open blocks,
 * a fifo renamed away) stays parked; the pool has at most {@link #MAX_WORKERS} threads, so those are
 * bounded, and once all are stuck further opens time out rather than pile up. After the open, the
 * path must still name the file that was checked (same file key), else the object changed under the
 * reader and is refused.
 *
 * <p>Where nobody but this process's user and root can change the object's directory or any above
 * it ({@link TrustedDirectories}), no third party can swap a fifo in, and the open runs on the
 * caller's thread: handing it to a worker and back cost 15 to 25 µs here, several times the open
 * itself, which adds up when many small files are read. The checks before and after the open are the
 * same either way.
 *
 * <p>Other providers (a zip file, another {@code cfs:} image, an in-memory file system) cannot hold
 * fifos a reader blocks on; there the regular-file check is followed by a plain open.
 */
final class ObjectOpener implements AutoCloseable {
    /** Bound on the wait for one open, after which it is abandoned. */
    static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
    /** Worker threads per file system, the bound on opens that can be stuck at once. */
    static final int MAX_WORKERS = 8;
    private static final long MAX_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final int S_IFMT = 0170000;
    private static final int S_IFIFO = 0010000;
    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    /**
     * Test hook: runs between the regular-file check and the open with the object's path, and returns
     * the path the worker opens (a test may redirect it, to stage a swap the object's path no longer shows).
     */
    static volatile UnaryOperator<Path> beforeOpen = p -> p;

    /** Opens handed to a worker so far, by every opener: tests see from it which way an open went. */
    static final AtomicLong WORKER_OPENS = new AtomicLong();

    private final long timeoutNanos;
    private final ThreadPoolExecutor workers;
    private final Predicate<Path> trusted;

    ObjectOpener(long timeoutMillis) {
        this(timeoutMillis, new TrustedDirectories()::trusted);
    }

    /**
     * An opener giving up after {@code timeoutMillis}, opening on the caller's thread the objects whose
     * directory {@code trusted} accepts.
     */
    ObjectOpener(long timeoutMillis, Predicate<Path> trusted) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.trusted = trusted;
        this.workers = new ThreadPoolExecutor(MAX_WORKERS, MAX_WORKERS, 5, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "cfs-object-open-" + THREAD_IDS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        workers.allowCoreThreadTimeOut(true);
    }

    /**
     * Opens {@code object} for reading if it is a regular file.
     *
     * @param file     the image file it backs, for messages
     * @param describe what the object is, for messages (its backing path and the base directories)
     * @throws FileSystemException naming {@code file}, the object and {@code describe} if it is not a
     *                             regular file, changed while it was opened, or its open did not complete
     */
    SeekableByteChannel open(String file, Path object, String describe) throws IOException {
        BasicFileAttributes checked;
        try {
            checked = Files.readAttributes(object, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file, object.toString(), describe + " was removed while it was looked up");
        }
        return open(file, object, describe, checked);
    }

    /** Whether objects in {@code dir} are opened on the caller's thread: nobody but this user and root can change it. */
    boolean trusts(Path dir) {
        return trusted.test(dir);
    }

    /**
     * {@link #open(String, Path, String)} of an object whose attributes the caller has just read
     * without following links ({@code checked}); they must name the file the path shows after the open.
     */
    SeekableByteChannel open(String file, Path object, String describe, BasicFileAttributes checked) throws IOException {
        if (!checked.isRegularFile()) {
            throw new FileSystemException(file, object.toString(), describe + " is not a regular file but "
                    + typeOf(object, checked));
        }
        Path target = beforeOpen.apply(object);
        if (object.getFileSystem() != FileSystems.getDefault()) {
            return Files.newByteChannel(target, StandardOpenOption.READ);
        }
        FileChannel ch;
        if (trusted.test(object.getParent())) {
            try {
                ch = FileChannel.open(target, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw openFailure(file, object, describe, e);
            }
        } else {
            PendingOpen pending = new PendingOpen(target);
            WORKER_OPENS.incrementAndGet();
            try {
                workers.execute(pending);
            } catch (RejectedExecutionException e) {
                // The workers stop when the file system closes: an open racing the close fails as after it.
                throw new ClosedFileSystemException();
            }
            ch = await(file, object, describe, checked, pending);
        }
        try {
            BasicFileAttributes now = Files.readAttributes(object, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!sameFile(checked, now)) {
                throw new FileSystemException(file, object.toString(), describe + " changed while it was opened");
            }
        } catch (IOException e) {
            ch.close();
            throw e instanceof FileSystemException ? e
                    : new FileSystemException(file, object.toString(), describe + " changed while it was opened: " + e);
        }
        return ch;
    }

    private FileChannel await(String file, Path object, String describe, BasicFileAttributes checked,
                              PendingOpen pending) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        long slice = TimeUnit.MILLISECONDS.toNanos(1);
        String why = null;
        try {
            while (why == null) {
                if (pending.await(Math.min(slice, Math.max(0, deadline - System.nanoTime())))) {
                    return pending.result(file, object, describe);
                }
                slice = Math.min(slice * 2, MAX_SLICE_NANOS);
                if (!stillTheCheckedFile(object, checked)) {
                    why = " changed while it was opened, and the open did not complete";
                } else if (System.nanoTime() - deadline >= 0) {
                    why = " could not be opened within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                            + " ms (a fifo or device swapped in and out?)";
                }
            }
        } catch (InterruptedException e) {
            abandon(pending, object);
            Thread.currentThread().interrupt();
            ClosedByInterruptException ce = new ClosedByInterruptException();
            ce.initCause(new FileSystemException(file, object.toString(), describe + ": interrupted while opening"));
            throw ce;
        }
        abandon(pending, object);
        throw new FileSystemException(file, object.toString(), describe + why);
    }

    private static boolean stillTheCheckedFile(Path object, BasicFileAttributes checked) {
        try {
            return sameFile(checked, Files.readAttributes(object, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sameFile(BasicFileAttributes checked, BasicFileAttributes now) {
        return now.isRegularFile() && Objects.equals(checked.fileKey(), now.fileKey());
    }

    /** Gives up on {@code pending}: its channel, if it ever opens, is closed, and a stuck fifo open is released. */
    private void abandon(PendingOpen pending, Path object) {
        if (pending.abandon() && LINUX) {
            releaseFifo(object);
        }
    }

    /**
     * Opens the fifo at {@code object} read-write and closes it again: on Linux that never blocks, and
     * it wakes a reader blocked opening the same fifo. Done only if the path is a fifo now; a worker
     * blocked on something else stays parked (bounded by the pool).
     */
    private static void releaseFifo(Path object) {
        try {
            Object mode = Files.getAttribute(object, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (!(mode instanceof Integer m) || (m & S_IFMT) != S_IFIFO) {
                return;
            }
            FileChannel.open(object, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS).close();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // Not releasable (gone, not writable by this process): the worker stays parked, bounded by the pool.
        }
    }

    /** The open of {@code object} failed with {@code failure}: the same kind of exception, naming the image file and the object. */
    private static FileSystemException openFailure(String file, Path object, String describe, IOException failure) {
        String why = describe + " cannot be opened: "
                + (failure instanceof FileSystemException f && f.getReason() != null ? f.getReason() : failure.toString());
        FileSystemException e = failure instanceof AccessDeniedException
                ? new AccessDeniedException(file, object.toString(), why)
                : failure instanceof NoSuchFileException
                ? new NoSuchFileException(file, object.toString(), why + " (removed after it was checked)")
                : new FileSystemException(file, object.toString(), why);
        e.initCause(failure);
        return e;
    }

    /** What a non-regular object is, for messages. */
    private static String typeOf(Path object, BasicFileAttributes a) {
        if (a.isDirectory()) {
            return "a directory";
        }
        if (a.isSymbolicLink()) {
            return "a symbolic link";
        }
        try {
            Object mode = Files.getAttribute(object, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (mode instanceof Integer m) {
                switch (m & S_IFMT) {
                    case 0010000: return "a fifo";
                    case 0020000: return "a character device";
                    case 0060000: return "a block device";
                    case 0140000: return "a socket";
                    default: break;
                }
            }
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No unix view on this provider: the generic description below is all there is.
            return "a special file (fifo, socket or device)";
        }
        return "a special file (fifo, socket or device)";
    }

    /** Stops the idle workers; parked ones are daemon threads and end with their open. */
    @Override
    public void close() {
        workers.shutdown();
    }

    /** One open on a worker, handed over to a waiting caller or closed if the caller gave up. */
    private static final class PendingOpen implements Runnable {
        private final Path object;
        private FileChannel channel;
        private IOException failure;
        private boolean done;
        private boolean abandoned;

        PendingOpen(Path object) {
            this.object = object;
        }

        @Override
        public void run() {
            FileChannel ch = null;
            IOException err = null;
            boolean skip;
            synchronized (this) {
                skip = abandoned;
            }
            if (!skip) {
                try {
                    ch = FileChannel.open(object, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException e) {
                    err = e;
                } catch (RuntimeException e) {
                    err = new IOException(e.toString(), e);
                }
            }
            boolean close;
            synchronized (this) {
                channel = ch;
                failure = err;
                done = true;
                close = abandoned;
                notifyAll();
            }
            if (close && ch != null) {
                try {
                    ch.close();
                } catch (IOException e) {
                    // Nobody waits for this channel any more; a failed close leaves nothing to report to.
                }
            }
        }

        /** Waits up to {@code nanos} for the open; true if it completed. */
        synchronized boolean await(long nanos) throws InterruptedException {
            long end = System.nanoTime() + nanos;
            while (!done) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        synchronized FileChannel result(String file, Path object, String describe) throws IOException {
            if (failure != null) {
                throw openFailure(file, object, describe, failure);
            }
            return channel;
        }

        /**
         * Marks the open abandoned; returns true if it is still under way (its channel will be closed
         * by the worker), closing the channel now if it had completed meanwhile.
         */
        boolean abandon() {
            FileChannel late;
            synchronized (this) {
                abandoned = true;
                if (!done) {
                    return true;
                }
                late = channel;
                channel = null;
            }
            if (late != null) {
                try {
                    late.close();
                } catch (IOException e) {
                    // The caller already fails with its own error; this channel was never handed out.
                    return false;
                }
            }
            return false;
        }
    }
}
