package dev.composefs.verity;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A file's fs-verity Merkle tree: the hash levels above its data, the root hash, and the file
 * digest they lead to. Immutable.
 *
 * <p>Level 0 holds the hashes of the data blocks, each level above the hashes of the blocks of the
 * one below, every level zero-padded to whole blocks, until a level fits in one block; the root hash
 * is the hash of that block. A file of one block has no stored levels (its root hash is its block's
 * hash); an empty file has none and an all-zero root hash. {@link #writeTo} writes the levels as
 * the kernel and {@code fsverity digest --out-merkle-tree} do: the top level first.
 *
 * <p>Memory: about {@code dataSize / blockSize * digestLength} bytes (1/128 of the file for SHA-256
 * and 4 KiB blocks).
 */
public final class MerkleTree {
    private final FsVerityParameters params;
    private final long dataSize;
    private final byte[] rootHash;
    private final List<byte[]> levels;
    private final FsVerityDigest digest;

    MerkleTree(FsVerityParameters params, long dataSize, byte[] rootHash, List<byte[]> levels) {
        this.params = params;
        this.dataSize = dataSize;
        this.rootHash = rootHash;
        this.levels = List.copyOf(levels);
        this.digest = FsVerityDescriptor.digest(params, dataSize, rootHash);
    }

    /** The tree of the file at {@code path}, hashed with the default parameters on the shared pool. */
    public static MerkleTree build(Path path) throws IOException {
        return build(path, FsVerityParameters.DEFAULT);
    }

    /** The tree of the file at {@code path}, hashed on the shared pool of {@link FsVerityHasher}. */
    public static MerkleTree build(Path path, FsVerityParameters params) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ParallelHashing.tree(ch, path.toString(), params, FsVerityHasher.sharedPool());
        }
    }

    /**
     * The tree of the bytes of {@code channel} from position 0 to its current size, hashed by the
     * calling thread and up to {@code parallelism - 1} tasks on {@code executor}.
     *
     * @param name a name for the file in error messages
     */
    public static MerkleTree build(FileChannel channel, String name, FsVerityParameters params, Executor executor,
                                   int parallelism) throws IOException {
        return ParallelHashing.tree(channel, name, params, new ParallelHashing.Pool(executor, parallelism));
    }

    /**
     * The tree whose data-block hashes are {@code leafHashes} (one digest per block of a file of
     * {@code dataSize} bytes, back to back): recomputes every level above them. Used to check a
     * stored tree against the digest it claims.
     *
     * @throws IllegalArgumentException if the length does not fit the block count of {@code dataSize}
     */
    public static MerkleTree fromLeafHashes(FsVerityParameters params, long dataSize, byte[] leafHashes) {
        long blocks = blockCount(dataSize, params.blockSize());
        int dl = params.algorithm().digestLength();
        if (dataSize < 0 || leafHashes.length != blocks * dl) {
            throw new IllegalArgumentException(leafHashes.length + " bytes of hashes do not fit "
                    + blocks + " blocks of a " + dataSize + "-byte file");
        }
        MerkleLevels m = new MerkleLevels(params, true);
        m.addLeafHashes(leafHashes, 0, (int) blocks);
        return m.finishTree(dataSize);
    }

    static long blockCount(long dataSize, int blockSize) {
        return dataSize == 0 ? 0 : (dataSize - 1) / blockSize + 1;
    }

    /** The parameters the tree was built with. */
    public FsVerityParameters parameters() {
        return params;
    }

    /** The size of the file the tree describes. */
    public long dataSize() {
        return dataSize;
    }

    /** Data blocks in the file. */
    public long blockCount() {
        return blockCount(dataSize, params.blockSize());
    }

    /** A copy of the root hash. */
    public byte[] rootHash() {
        return rootHash.clone();
    }

    /** The file's fs-verity digest: the hash of its descriptor. */
    public FsVerityDigest digest() {
        return digest;
    }

    /** The 256-byte fs-verity descriptor, as {@code fsverity digest --out-descriptor} writes it. */
    public byte[] descriptor() {
        return FsVerityDescriptor.encode(params, dataSize, rootHash);
    }

    /** The number of stored levels (0 for files of at most one block). */
    public int levelCount() {
        return levels.size();
    }

    /** Bytes of all stored levels, as {@link #writeTo} writes them. */
    public long size() {
        long n = 0;
        for (byte[] l : levels) {
            n += l.length;
        }
        return n;
    }

    /** Writes the stored levels, top level first, as the kernel stores the tree. */
    public void writeTo(OutputStream out) throws IOException {
        for (int i = levels.size() - 1; i >= 0; i--) {
            out.write(levels.get(i));
        }
    }

    /** Writes the hashes of the data blocks, back to back (no padding), for {@link #fromLeafHashes}. */
    public void writeLeafHashes(OutputStream out) throws IOException {
        int n = Math.toIntExact(blockCount() * params.algorithm().digestLength());
        if (levels.isEmpty()) {
            out.write(rootHash, 0, n);
        } else {
            out.write(levels.get(0), 0, n);
        }
    }

    /** Whether {@code hash[offset...]} equals the stored hash of data block {@code block}. */
    boolean leafHashEquals(long block, byte[] hash, int offset) {
        int dl = params.algorithm().digestLength();
        byte[] src = levels.isEmpty() ? rootHash : levels.get(0);
        int start = Math.toIntExact(block * dl);
        return Arrays.equals(src, start, start + dl, hash, offset, offset + dl);
    }

    /** The stored hash of data block {@code block}, in hex, for messages. */
    String leafHashHex(long block) {
        int dl = params.algorithm().digestLength();
        byte[] src = levels.isEmpty() ? rootHash : levels.get(0);
        int start = Math.toIntExact(block * dl);
        return java.util.HexFormat.of().formatHex(src, start, start + dl);
    }
}
