package dev.composefs.format.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs I/O tasks (hashing, copying files) on a bounded pool of daemon threads and reports the first
 * failure as the {@link IOException} it was, not wrapped. Internal to the format module.
 */
public final class ParallelIo {
    /** One unit of work that may fail with an {@link IOException}. */
    @FunctionalInterface
    public interface IoTask<T> {
        /** Does the work and returns its result. */
        T call() throws IOException;
    }

    private ParallelIo() {
    }

    /** The default pool size: the number of processors. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * Runs every task on at most {@code threads} threads (1: on the calling thread, in order) and
     * returns their results in the order of {@code tasks}.
     *
     * @param name a prefix for the threads' names
     * @throws IOException the first failure of a task, in task order; the tasks not yet started are
     *                     cancelled
     */
    public static <T> List<T> runAll(List<? extends IoTask<T>> tasks, int threads, String name) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        List<T> results = new ArrayList<>(tasks.size());
        if (threads == 1 || tasks.size() <= 1) {
            for (IoTask<T> t : tasks) {
                results.add(t.call());
            }
            return results;
        }
        AtomicInteger id = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, tasks.size()), r -> {
            Thread t = new Thread(r, name + "-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<T>> futures = new ArrayList<>(tasks.size());
            for (IoTask<T> t : tasks) {
                futures.add(pool.submit(() -> {
                    try {
                        return t.call();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            for (Future<T> f : futures) {
                results.add(await(f, futures));
            }
            return results;
        } finally {
            pool.shutdownNow();
            awaitTermination(pool);
        }
    }

    /** Waits for cancelled tasks to finish their cleanup, so none runs after the caller returns. */
    private static void awaitTermination(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> f, List<? extends Future<?>> all) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            all.forEach(x -> x.cancel(true));
            throw new InterruptedIOException("interrupted while waiting for I/O tasks");
        } catch (ExecutionException e) {
            all.forEach(x -> x.cancel(false));
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
    }
}
