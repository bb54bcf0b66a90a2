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
            run(w, pool);
            levels.addLeafHashes(hashes, 0, n);
        }
        return size;
    }

    /**
     * Work split into chunks that workers claim in any order; each worker keeps its own state (its
     * hasher and buffers). The first failure stops every worker.
     */
    private abstract static class Job<S> {
        final AtomicInteger nextChunk = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final int chunks;

        Job(int chunks) {
            this.chunks = chunks;
        }

        abstract S newWorker();

        abstract void process(int chunk, S worker) throws IOException;

        /** Claims and processes chunks until none is left or a worker failed. */
        final void work() {
            try {
                S worker = newWorker();
                while (failure.get() == null) {
                    int chunk = nextChunk.getAndIncrement();
                    if (chunk >= chunks) {
                        return;
                    }
                    process(chunk, worker);
                }
            } catch (IOException | RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    /** One worker's tools: its hasher and a read buffer. */
    private record Worker(BlockHasher hasher, byte[] buf) {
    }

    /** One window of a file: chunks of consecutive blocks, read with positional reads and hashed. */
    private static final class Window extends Job<Worker> {
        final FileChannel ch;
        final String name;
        final FsVerityParameters params;
        final long size;
        final long firstBlock;
        final int blockCount;
        final int chunkBlocks;
        final byte[] hashes;

        Window(FileChannel ch, String name, FsVerityParameters params, long size, long firstBlock, int blockCount,
               int chunkBlocks, byte[] hashes) {
            super((blockCount + chunkBlocks - 1) / chunkBlocks);
            this.ch = ch;
            this.name = name;
            this.params = params;
            this.size = size;
            this.firstBlock = firstBlock;
            this.blockCount = blockCount;
            this.chunkBlocks = chunkBlocks;
            this.hashes = hashes;
        }

        @Override
        Worker newWorker() {
            // A small file's worker needs a buffer for its blocks only, not a whole chunk.
            int bufferBlocks = Math.min(chunkBlocks, blockCount);
            return new Worker(new BlockHasher(params), new byte[bufferBlocks * params.blockSize()]);
        }

        @Override
        void process(int chunk, Worker w) throws IOException {
            int bs = params.blockSize();
            int b0 = chunk * chunkBlocks;
            int nb = Math.min(chunkBlocks, blockCount - b0);
            long pos = (firstBlock + b0) * bs;
            int len = (int) Math.min((long) nb * bs, size - pos);
            readFully(pos, w.buf(), len);
            hashRange(w, w.buf(), 0, len, nb, hashes, b0 * params.algorithm().digestLength(), bs);
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

    /**
     * Hashes {@code nb} blocks of {@code data[off, off + len)} (the last one zero-padded if short) into
     * {@code out} from {@code outOff}.
     */
    private static void hashRange(Worker w, byte[] data, int off, int len, int nb, byte[] out, int outOff, int bs) {
        int dl = w.hasher().digestLength();
        for (int i = 0; i < nb; i++) {
            int o = i * bs;
            if (o + bs <= len) {
                w.hasher().hashBlock(data, off + o, out, outOff + i * dl);
            } else {
                w.hasher().hashPartialBlock(data, off + o, len - o, out, outOff + i * dl);
            }
        }
    }

    /** In-memory blocks, hashed in chunks. */
    private static final class Blocks extends Job<Worker> {
        static final int CHUNK_BLOCKS = 16;
        final FsVerityParameters params;
        final byte[] data;
        final int length;
        final int blockCount;
        final byte[] out;

        Blocks(FsVerityParameters params, byte[] data, int length, byte[] out) {
            super((int) ((MerkleTree.blockCount(length, params.blockSize()) + CHUNK_BLOCKS - 1) / CHUNK_BLOCKS));
            this.params = params;
            this.data = data;
            this.length = length;
            this.blockCount = (int) MerkleTree.blockCount(length, params.blockSize());
            this.out = out;
        }

        @Override
        Worker newWorker() {
            return new Worker(new BlockHasher(params), null);
        }

        @Override
        void process(int chunk, Worker w) {
            int bs = params.blockSize();
            int b0 = chunk * CHUNK_BLOCKS;
            int nb = Math.min(CHUNK_BLOCKS, blockCount - b0);
            int off = b0 * bs;
            hashRange(w, data, off, Math.min(nb * bs, length - off), nb, out, b0 * params.algorithm().digestLength(), bs);
        }
    }

    /**
     * Hashes the blocks of {@code data[0, length)} into {@code out}, one digest per block, on the
     * calling thread and the pool: how a verified read checks a large batch at once.
     */
    static void hashBlocks(FsVerityParameters params, byte[] data, int length, byte[] out, Pool pool) throws IOException {
        Blocks job = new Blocks(params, data, length, out);
        run(job, pool);
    }

    private static void run(Job<?> w, Pool pool) throws IOException {
        int helpers = Math.min(pool.parallelism(), w.chunks) - 1;
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
