package dev.composefs.verity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes fs-verity digests, bit-exact with the Linux kernel and {@code fsverity digest}.
 *
 * <p>An instance hashes a stream of bytes fed in any chunking ({@link #update}) and is not
 * thread-safe. The static {@code digest(Path...)} and {@code digest(FileChannel...)} methods hash a
 * file's data blocks on several threads: the calling thread plus a small shared pool of daemon
 * threads (one fewer than the processors), or a caller-supplied {@link java.util.concurrent.Executor}.
 */
public final class FsVerityHasher {
    private static volatile ParallelHashing.Pool shared;

    private final FsVerityParameters params;
    private final BlockHasher hasher;
    private final MerkleLevels levels;
    private final byte[] block;
    private final byte[] hash;
    private int fill;
    private long size;
    private boolean finished;

    /** A hasher with composefs's parameters (SHA-256, 4096-byte blocks, no salt). */
    public FsVerityHasher() {
        this(FsVerityParameters.DEFAULT);
    }

    /** A hasher with the given parameters. */
    public FsVerityHasher(FsVerityParameters params) {
        this(params, false);
    }

    /** A hasher that keeps the Merkle tree's levels for {@link #tree()} when {@code keepTree}. */
    FsVerityHasher(FsVerityParameters params, boolean keepTree) {
        this.params = Objects.requireNonNull(params);
        this.hasher = new BlockHasher(params);
        this.levels = new MerkleLevels(params, hasher, keepTree);
        this.block = new byte[params.blockSize()];
        this.hash = new byte[params.algorithm().digestLength()];
    }

    /** Feeds {@code b[off, off + len)}. */
    public FsVerityHasher update(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        checkNotFinished();
        int bs = block.length;
        size += len;
        if (fill > 0) {
            int n = Math.min(len, bs - fill);
            System.arraycopy(b, off, block, fill, n);
            fill += n;
            off += n;
            len -= n;
            if (fill < bs) {
                return this;
            }
            leaf(block, 0);
            fill = 0;
        }
        // Whole blocks straight from the caller's array; only the tail is copied.
        while (len >= bs) {
            leaf(b, off);
            off += bs;
            len -= bs;
        }
        System.arraycopy(b, off, block, 0, len);
        fill = len;
        return this;
    }

    /** Feeds all of {@code b}. */
    public FsVerityHasher update(byte[] b) {
        return update(b, 0, b.length);
    }

    /** Feeds the remaining bytes of {@code src}, advancing its position to its limit. */
    public FsVerityHasher update(ByteBuffer src) {
        if (src.hasArray()) {
            update(src.array(), src.arrayOffset() + src.position(), src.remaining());
            src.position(src.limit());
            return this;
        }
        byte[] tmp = new byte[Math.min(src.remaining(), 64 * 1024)];
        while (src.hasRemaining()) {
            int n = Math.min(tmp.length, src.remaining());
            src.get(tmp, 0, n);
            update(tmp, 0, n);
        }
        return this;
    }

    /**
     * The digest of all bytes fed. The hasher cannot be fed again afterwards.
     */
    public FsVerityDigest digest() {
        flush();
        return levels.finishDigest(size);
    }

    /** The Merkle tree of all bytes fed, for a hasher made to keep it. */
    MerkleTree tree() {
        flush();
        return levels.finishTree(size);
    }

    private void flush() {
        checkNotFinished();
        finished = true;
        if (fill > 0) {
            hasher.hashPartialBlock(block, 0, fill, hash, 0);
            levels.addLeafHashes(hash, 0, 1);
        }
    }

    /** The parameters this hasher builds its tree with. */
    public FsVerityParameters parameters() {
        return params;
    }

    /** Bytes fed so far. */
    public long size() {
        return size;
    }

    private void leaf(byte[] b, int off) {
        hasher.hashBlock(b, off, hash, 0);
        levels.addLeafHashes(hash, 0, 1);
    }

    private void checkNotFinished() {
        if (finished) {
            throw new IllegalStateException("digest() was already called");
        }
    }

    /** The fs-verity digest of {@code data} with composefs's parameters. */
    public static FsVerityDigest digest(byte[] data) {
        return new FsVerityHasher().update(data).digest();
    }

    /** The fs-verity digest of everything {@code in} yields, read on the calling thread. */
    public static FsVerityDigest digest(InputStream in, FsVerityParameters params) throws IOException {
        FsVerityHasher h = new FsVerityHasher(params);
        byte[] buf = new byte[128 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            h.update(buf, 0, n);
        }
        return h.digest();
    }

    /** The fs-verity digest of the file at {@code path} with composefs's parameters, hashed in parallel. */
    public static FsVerityDigest digest(Path path) throws IOException {
        return digest(path, FsVerityParameters.DEFAULT);
    }

    /** The fs-verity digest of the file at {@code path}, hashed in parallel on the shared pool. */
    public static FsVerityDigest digest(Path path, FsVerityParameters params) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ParallelHashing.digest(ch, path.toString(), params, sharedPool());
        }
    }

    /**
     * The fs-verity digest of {@code channel}'s bytes from 0 to its size, hashed by the calling thread
     * and up to {@code parallelism - 1} tasks on {@code executor} ({@code parallelism} 1: the caller alone).
     *
     * @param name a name for the file in error messages
     */
    public static FsVerityDigest digest(FileChannel channel, String name, FsVerityParameters params,
                                        java.util.concurrent.Executor executor, int parallelism) throws IOException {
        return ParallelHashing.digest(channel, name, params, new ParallelHashing.Pool(executor, parallelism));
    }

    /** The shared pool: daemon threads, one fewer than the processors; the caller is the last worker. */
    static ParallelHashing.Pool sharedPool() {
        ParallelHashing.Pool p = shared;
        if (p == null) {
            synchronized (FsVerityHasher.class) {
                p = shared;
                if (p == null) {
                    int n = Runtime.getRuntime().availableProcessors();
                    AtomicInteger id = new AtomicInteger();
                    ExecutorService ex = Executors.newFixedThreadPool(Math.max(1, n - 1), r -> {
                        Thread t = new Thread(r, "fsverity-hash-" + id.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                    p = new ParallelHashing.Pool(ex, n);
                    shared = p;
                }
            }
        }
        return p;
    }
}
