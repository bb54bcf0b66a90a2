package dev.composefs.verity;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A read-only channel over a file that only ever returns bytes whose hashes chain up to an expected
 * fs-verity digest, as the kernel serves a verity file: also when the file is changed, truncated or
 * replaced after it was opened.
 *
 * <p><b>Where the tree comes from, and the cost.</b> Opening needs the file's Merkle tree. Unless a
 * {@link MerkleTreeCache} holds it, the whole file is hashed once at open (in parallel for a
 * {@link FileChannel}) and the resulting digest must equal the expected one, else the open fails
 * with a {@link VerityException}. The data-block hashes are then kept (1/128 of the file for SHA-256
 * and 4 KiB blocks). Every read hashes each block it returns and compares it with the kept hash
 * before a byte of it is copied out; large sequential reads hash their blocks on the shared pool as
 * well as the calling thread. Reading a file once therefore costs about two hash passes when it is
 * first opened and about one when its tree is cached. A file of at most 256 KiB is read and hashed
 * once at open and then served from that verified copy: one hash pass, no tree cache.
 *
 * <p><b>Semantics.</b> {@link #size()} is the verified size, whatever the file's current length;
 * reads past it return -1. A read whose first block fails verification throws a
 * {@link VerityException} naming the file, the block and both hashes; a read that reaches a bad block
 * after good ones returns the good bytes, and the next read throws. Reads are positional on the
 * underlying channel; all methods are thread-safe. Closing closes the underlying channel.
 */
public final class VerifiedChannel implements SeekableByteChannel {
    private static final int MAX_BATCH_BYTES = 256 * 1024;
    /** Files up to this size (for blocks up to 256 KiB) are read, hashed and served whole. */
    static final int WHOLE_FILE_MAX = MAX_BATCH_BYTES;
    private static final int READ_AHEAD_BLOCKS = 16;
    /** Batches of at least this many blocks are hashed in parallel. */
    private static final int PARALLEL_BLOCKS = 32;

    private final SeekableByteChannel ch;
    private final String name;
    private final MerkleTree tree;
    private final FsVerityDigest digest;
    private final int bs;
    private final long size;
    /** Made on the first load: a channel served whole from its verified copy never hashes again. */
    private BlockHasher hasher;
    private final byte[] batch;
    private final byte[] hashes;
    private final int dl;
    private long batchFirst = -1;
    private int batchBlocks;
    private long position;
    private boolean closed;

    private VerifiedChannel(SeekableByteChannel ch, String name, MerkleTree tree) {
        // Sized to the file when it is small: opening many small files must not clear 256 KiB each.
        this(ch, name, tree, new byte[(int) Math.max(1, Math.min(MAX_BATCH_BYTES / tree.parameters().blockSize(),
                MerkleTree.blockCount(tree.dataSize(), tree.parameters().blockSize()))) * tree.parameters().blockSize()]);
    }

    private VerifiedChannel(SeekableByteChannel ch, String name, MerkleTree tree, byte[] batch) {
        this.ch = ch;
        this.name = name;
        this.tree = tree;
        this.digest = tree.digest();
        this.bs = tree.parameters().blockSize();
        this.size = tree.dataSize();
        this.batch = batch;
        this.dl = tree.parameters().algorithm().digestLength();
        this.hashes = new byte[batch.length / bs * dl];
    }

    /** Opens {@code file}, which must have {@code expected} as its digest (4096-byte blocks, no salt). */
    public static VerifiedChannel open(Path file, FsVerityDigest expected) throws IOException {
        return open(file, expected, FsVerityParameters.of(expected.algorithm(), 4096), MerkleTreeCache.none());
    }

    /**
     * Opens {@code file}, which must have {@code expected} as its digest under {@code params}, taking its
     * tree from {@code cache} when there and storing it there when built.
     */
    public static VerifiedChannel open(Path file, FsVerityDigest expected, FsVerityParameters params,
                                       MerkleTreeCache cache) throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(file, StandardOpenOption.READ);
        try {
            return open(ch, file.toString(), expected, params, cache);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Verifies the bytes of {@code channel} from position 0 to its size against {@code expected} and
     * returns a channel over them that verifies every read. Takes ownership of {@code channel}.
     *
     * @param name the file's name for error messages
     * @throws VerityException if the content does not hash to {@code expected}
     */
    public static VerifiedChannel open(SeekableByteChannel channel, String name, FsVerityDigest expected,
                                       FsVerityParameters params, MerkleTreeCache cache) throws IOException {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(expected, "expected");
        if (params.algorithm() != expected.algorithm()) {
            throw new IllegalArgumentException("expected digest is " + expected.algorithm().label()
                    + " but the parameters say " + params.algorithm().label());
        }
        VerifiedChannel small = openWhole(channel, name, expected, params);
        if (small != null) {
            return small;
        }
        MerkleTree tree = cache.get(expected);
        if (tree == null || !tree.digest().equals(expected)) {
            tree = build(channel, name, params);
            if (!tree.digest().equals(expected)) {
                throw new VerityException(name + ": fs-verity digest is " + tree.digest()
                        + ", expected " + expected);
            }
            cache.put(tree);
        }
        return new VerifiedChannel(channel, name, tree);
    }

    /**
     * A file that fits one batch is read once, hashed once and then served from the verified batch:
     * the bytes checked are the bytes served, whatever happens to the file afterwards, and opening many
     * small files costs one hash pass instead of two. Returns null for a larger file.
     */
    private static VerifiedChannel openWhole(SeekableByteChannel ch, String name, FsVerityDigest expected,
                                             FsVerityParameters params) throws IOException {
        int bs = params.blockSize();
        int capacity = Math.max(bs, MAX_BATCH_BYTES / bs * bs);
        long size = ch.size();
        if (size > capacity) {
            return null;
        }
        // One byte more than the size: a file that grew since size() was asked goes the long way.
        ByteBuffer content = ByteBuffer.allocate((int) size + 1);
        if (readAt(ch, 0, content) > size) {
            return null;
        }
        MerkleTree tree = new FsVerityHasher(params, true).update(content.array(), 0, content.position()).tree();
        if (!tree.digest().equals(expected)) {
            throw new VerityException(name + ": fs-verity digest is " + tree.digest() + ", expected " + expected);
        }
        // The verified bytes become the batch, holding every block: nothing is loaded again.
        VerifiedChannel v = new VerifiedChannel(ch, name, tree, content.array());
        v.batchFirst = 0;
        v.batchBlocks = (int) tree.blockCount();
        return v;
    }

    private static MerkleTree build(SeekableByteChannel ch, String name, FsVerityParameters params) throws IOException {
        if (ch instanceof FileChannel fc) {
            return ParallelHashing.tree(fc, name, params, FsVerityHasher.sharedPool());
        }
        FsVerityHasher h = new FsVerityHasher(params, true);
        ch.position(0);
        ByteBuffer buf = ByteBuffer.allocate(128 * 1024);
        while (ch.read(buf) >= 0) {
            buf.flip();
            h.update(buf);
            buf.clear();
        }
        return h.tree();
    }

    /** The digest every byte served was checked against. */
    public FsVerityDigest digest() {
        return digest;
    }

    /** An input stream over this channel from its current position; closing it closes the channel. */
    public InputStream newInputStream() {
        return Channels.newInputStream(this);
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws IOException {
        int n = read(dst, position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    /**
     * Reads into {@code dst} from {@code pos} without changing this channel's position, as
     * {@link FileChannel#read(ByteBuffer, long)}.
     *
     * @return bytes read, or -1 if {@code pos} is at or past the end
     */
    public synchronized int read(ByteBuffer dst, long pos) throws IOException {
        ensureOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("negative position: " + pos);
        }
        if (pos >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && pos < size) {
            long block = pos / bs;
            if (block < batchFirst || block >= batchFirst + batchBlocks) {
                boolean sequential = block == batchFirst + batchBlocks;
                int wanted = (int) Math.min(batch.length / bs, ((pos % bs) + dst.remaining() + bs - 1) / bs);
                try {
                    load(block, sequential ? Math.max(wanted, READ_AHEAD_BLOCKS) : wanted);
                } catch (VerityException e) {
                    if (total > 0) {
                        return total;
                    }
                    throw e;
                }
            }
            int off = (int) ((block - batchFirst) * bs + pos % bs);
            int avail = (int) Math.min((long) batchBlocks * bs - off, size - pos);
            int n = Math.min(avail, dst.remaining());
            dst.put(batch, off, n);
            pos += n;
            total += n;
        }
        return total;
    }

    /**
     * Reads up to {@code count} blocks from {@code first} into the batch buffer and verifies them in
     * order; the batch then holds the verified prefix. Throws if the first block fails. A large batch
     * is hashed on the shared pool as well as the calling thread.
     */
    private void load(long first, int count) throws IOException {
        long blocks = tree.blockCount();
        int n = (int) Math.min(Math.min(count, batch.length / bs), blocks - first);
        long start = first * bs;
        int want = (int) Math.min((long) n * bs, size - start);
        batchFirst = -1;
        batchBlocks = 0;
        int got = readUpTo(start, want);
        int complete = 0;
        while (complete < n && got - complete * bs >= Math.min(bs, want - complete * bs)) {
            complete++;
        }
        int hashedBytes = Math.min(complete * bs, want);
        if (hasher == null) {
            hasher = new BlockHasher(tree.parameters());
        }
        if (complete >= PARALLEL_BLOCKS) {
            ParallelHashing.hashBlocks(tree.parameters(), batch, hashedBytes, hashes, FsVerityHasher.sharedPool());
        } else {
            for (int i = 0; i < complete; i++) {
                int off = i * bs;
                int blockLen = Math.min(bs, want - off);
                if (blockLen == bs) {
                    hasher.hashBlock(batch, off, hashes, i * dl);
                } else {
                    hasher.hashPartialBlock(batch, off, blockLen, hashes, i * dl);
                }
            }
        }
        int good = 0;
        while (good < complete && tree.leafHashEquals(first + good, hashes, good * dl)) {
            good++;
        }
        if (good > 0) {
            batchFirst = first;
            batchBlocks = good;
            return;
        }
        if (complete == 0) {
            throw new VerityException(name + ": block " + first + " is missing: the file ends at byte "
                    + (start + got) + " but " + digest + " says it has " + size + " bytes");
        }
        int blockLen = Math.min(bs, want);
        throw new VerityException(name + ": block " + first + " (bytes " + start + "-" + (start + blockLen - 1)
                + ") hashes to " + java.util.HexFormat.of().formatHex(hashes, 0, dl) + ", expected "
                + tree.leafHashHex(first) + " for file digest " + digest);
    }

    /** Reads {@code want} bytes at {@code pos} into the batch buffer, fewer only at end of file. */
    private int readUpTo(long pos, int want) throws IOException {
        return readAt(ch, pos, ByteBuffer.wrap(batch, 0, want));
    }

    /** Reads from {@code pos} until {@code dst} is full or the file ends; returns the bytes read. */
    private static int readAt(SeekableByteChannel ch, long pos, ByteBuffer dst) throws IOException {
        int start = dst.position();
        if (ch instanceof FileChannel fc) {
            while (dst.hasRemaining() && fc.read(dst, pos + dst.position() - start) >= 0) {
                // positional reads leave the channel's own position alone
            }
        } else {
            ch.position(pos);
            while (dst.hasRemaining() && ch.read(dst) >= 0) {
                // keep reading until full or end of file
            }
        }
        return dst.position() - start;
    }

    /** Always throws: the channel is read-only. */
    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() throws IOException {
        ensureOpen();
        return position;
    }

    /** Sets the position; past the end is allowed and reads there return -1. */
    @Override
    public synchronized VerifiedChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position: " + newPosition);
        }
        position = newPosition;
        return this;
    }

    /** The verified size: the data size in the digest's descriptor. */
    @Override
    public synchronized long size() throws IOException {
        ensureOpen();
        return size;
    }

    /** Always throws: the channel is read-only. */
    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return !closed;
    }

    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            ch.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }
}
