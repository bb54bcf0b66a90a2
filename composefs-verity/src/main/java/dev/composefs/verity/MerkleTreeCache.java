package dev.composefs.verity;

import java.nio.file.Path;

/**
 * Merkle trees kept by file digest, so that verified reading of a file seen before costs one hash
 * pass (checking blocks as they are read) instead of two (building the tree first).
 *
 * <p>A cache is only a hint: {@link VerifiedChannel} uses a tree only if its recomputed digest
 * equals the expected one, so a corrupt or forged entry costs time, never integrity.
 * Implementations are thread-safe.
 */
public interface MerkleTreeCache {
    /** The tree of the file with {@code digest}, or {@code null} if none is kept (or it is unreadable). */
    MerkleTree get(FsVerityDigest digest);

    /** Keeps {@code tree} under its digest; failures to store are swallowed, as for any cache. */
    void put(MerkleTree tree);

    /** A cache that keeps nothing. */
    static MerkleTreeCache none() {
        return NoMerkleTreeCache.INSTANCE;
    }

    /** An in-memory cache holding trees of at most {@code maxBytes} in all, least recently used evicted first. */
    static MerkleTreeCache inMemory(long maxBytes) {
        return new MemoryMerkleTreeCache(maxBytes);
    }

    /**
     * A cache in directory {@code dir} (created if missing): one file per digest holding the data-block
     * hashes; every entry read back is rebuilt and checked against its digest.
     */
    static MerkleTreeCache inDirectory(Path dir) {
        return new DirectoryMerkleTreeCache(dir);
    }

    /** The cache that keeps nothing. */
    enum NoMerkleTreeCache implements MerkleTreeCache {
        /** The only instance. */
        INSTANCE;

        @Override
        public MerkleTree get(FsVerityDigest digest) {
            return null;
        }

        @Override
        public void put(MerkleTree tree) {
            // keeps nothing by definition
        }
    }
}
