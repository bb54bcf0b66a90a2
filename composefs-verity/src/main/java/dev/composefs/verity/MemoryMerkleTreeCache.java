package dev.composefs.verity;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Merkle trees in memory, bounded by their total size, least recently used evicted first. Trees are
 * immutable and were built by this library, so they are served without re-hashing.
 */
final class MemoryMerkleTreeCache implements MerkleTreeCache {
    private final long maxBytes;
    private final LinkedHashMap<FsVerityDigest, MerkleTree> trees = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    MemoryMerkleTreeCache(long maxBytes) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("negative cache size: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    public synchronized MerkleTree get(FsVerityDigest digest) {
        return trees.get(digest);
    }

    @Override
    public synchronized void put(MerkleTree tree) {
        long size = weight(tree);
        if (size > maxBytes) {
            return;
        }
        MerkleTree old = trees.put(tree.digest(), tree);
        if (old != null) {
            bytes -= weight(old);
        }
        bytes += size;
        Iterator<Map.Entry<FsVerityDigest, MerkleTree>> it = trees.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= weight(it.next().getValue());
            it.remove();
        }
    }

    private static long weight(MerkleTree tree) {
        return tree.size() + tree.parameters().algorithm().digestLength();
    }
}
