package dev.composefs.verity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hashes a file's data blocks on several threads. The data-block hashes are independent, so they are
 * computed in windows of {@value #WINDOW_BLOCKS} blocks, each window split into chunks that workers
 * claim; the levels above (1/128 of the work for SHA-256) are folded in order on the calling thread.
 *
 * <p>The caller always works too, and takes back every task the executor has not started when the
 * caller runs out of chunks: a saturated executor slows hashing down but never blocks it.
 */
final class ParallelHashing {
    static final int WINDOW_BLOCKS = 1 << 15;
    private static final int CHUNK_BYTES = 256 * 1024;

    /** Where the work runs: {@code parallelism - 1} tasks on {@code executor}, plus the caller. */
    record Pool(Executor executor, int parallelism) {
        Pool {
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
            }
        }
    }

    private ParallelHashing() {
    }

    static MerkleTree tree(FileChannel ch, String name, FsVerityParameters params, Pool pool)
            throws IOException {
        MerkleLevels levels = new MerkleLevels(params, true);
        long size = hashInto(levels, ch, name, params, pool);
        return levels.finishTree(size);
    }

    static FsVerityDigest digest(FileChannel ch, String name, FsVerityParameters params, Pool pool) throws IOException {
        MerkleLevels levels = new MerkleLevels(params, false);
        long size = hashInto(levels, ch, name, params, pool);
        return levels.finishDigest(size);
    }

    /** Feeds the hashes of all data blocks of {@code ch} into {@code levels}; returns the data size. */
    private static long hashInto(MerkleLevels levels, FileChannel ch, String name, FsVerityParameters params, Pool pool)
            throws IOException {
        long size = ch.size();
        int bs = params.blockSize();
        int dl = params.algorithm().digestLength();
        long blocks = MerkleTree.blockCount(size, bs);
        int chunkBlocks = Math.max(1, CHUNK_BYTES / bs);
        byte[] hashes = new byte[(int) Math.min(blocks, WINDOW_BLOCKS) * dl];
        for (long first = 0; first < blocks; first += WINDOW_BLOCKS) {
            int n = (int) Math.min(WINDOW_BLOCKS, blocks - first);
            Window w = new Window(ch, name, params, size, first, n, chunkBlocks, hashes);
            run(w, pool, (n + chunkBlocks - 1) / chunkBlocks);
            levels.addLeafHashes(hashes, 0, n);
        }
        return size;
    }

    /** One window's work: chunks of consecutive blocks, claimed by workers in any order. */
    private static final class Window {
        final FileChannel ch;
        final String name;
        final FsVerityParameters params;
        final long size;
        final long firstBlock;
        final int blockCount;
        final int chunkBlocks;
        final byte[] hashes;
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Window(FileChannel ch, String name, FsVerityParameters params, long size, long firstBlock, int blockCount,
               int chunkBlocks, byte[] hashes) {
            this.ch = ch;
            this.name = name;
            this.params = params;
            this.size = size;
            this.firstBlock = firstBlock;
            this.blockCount = blockCount;
            this.chunkBlocks = chunkBlocks;
            this.hashes = hashes;
        }

        /** Claims and hashes chunks until none is left or a worker failed. */
        void work() {
            int bs = params.blockSize();
            int dl = params.algorithm().digestLength();
            BlockHasher hasher = new BlockHasher(params);
            byte[] buf = new byte[chunkBlocks * bs];
            byte[] zeros = new byte[bs];
            try {
                while (failure.get() == null) {
                    int chunk = nextChunk.getAndIncrement();
                    int b0 = chunk * chunkBlocks;
                    if (b0 >= blockCount) {
                        return;
                    }
                    int nb = Math.min(chunkBlocks, blockCount - b0);
                    long pos = (firstBlock + b0) * bs;
                    int len = (int) Math.min((long) nb * bs, size - pos);
                    readFully(pos, buf, len);
                    for (int i = 0; i < nb; i++) {
                        int off = i * bs;
                        int out = (b0 + i) * dl;
                        if (off + bs <= len) {
                            hasher.hashBlock(buf, off, hashes, out);
                        } else {
                            hasher.hashPartialBlock(buf, off, len - off, zeros, hashes, out);
                        }
                    }
                }
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
        }

        private void readFully(long pos, byte[] buf, int len) throws IOException {
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, len);
            while (bb.hasRemaining()) {
                if (ch.read(bb, pos + bb.position()) < 0) {
                    throw new IOException(name + ": file shrank while being hashed (expected "
                            + size + " bytes, ended at " + (pos + bb.position()) + ")");
                }
            }
        }
    }

    private static void run(Window w, Pool pool, int chunks) throws IOException {
        int helpers = Math.min(pool.parallelism(), chunks) - 1;
        AtomicBoolean[] claimed = new AtomicBoolean[helpers];
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] done = new CompletableFuture[helpers];
        for (int i = 0; i < helpers; i++) {
            AtomicBoolean c = new AtomicBoolean();
            CompletableFuture<Void> d = new CompletableFuture<>();
            claimed[i] = c;
            done[i] = d;
            try {
                pool.executor().execute(() -> {
                    if (c.compareAndSet(false, true)) {
                        try {
                            w.work();
                        } finally {
                            d.complete(null);
                        }
                    }
                });
            } catch (RejectedExecutionException e) {
                c.set(true);
                d.complete(null);
            }
        }
        w.work();
        for (int i = 0; i < helpers; i++) {
            if (!claimed[i].compareAndSet(false, true)) {
                done[i].join();
            }
        }
        Throwable t = w.failure.get();
        if (t instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        } else if (t instanceof UncheckedIOException e) {
            throw e.getCause();
        } else if (t instanceof RuntimeException e) {
            throw e;
        } else if (t instanceof Error e) {
            throw e;
        }
    }
}
