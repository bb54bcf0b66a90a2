package dev.composefs.verity;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds the levels above the data: takes the hashes of the data blocks in order and folds them into
 * tree blocks, level by level, as they fill. Memory is one block per level, plus the levels
 * themselves when they are kept (for a {@link MerkleTree}).
 */
final class MerkleLevels {
    private final FsVerityParameters params;
    private final BlockHasher hasher;
    private final boolean keep;
    private final int blockSize;
    private final int digestLength;
    private final byte[] hash;
    private final List<Level> levels = new ArrayList<>();

    /**
     * One level being filled: its pending block and, when kept, its finished blocks. The block starts
     * with room for two hashes and grows to a whole block only when more arrive: most files are small,
     * and the level above one data block holds a single hash.
     */
    private static final class Level {
        byte[] block;
        int fill;
        long count;
        final ByteArrayOutputStream kept;

        Level(int digestLength, boolean keep) {
            block = new byte[2 * digestLength];
            kept = keep ? new ByteArrayOutputStream() : null;
        }
    }

    MerkleLevels(FsVerityParameters params, boolean keep) {
        this(params, new BlockHasher(params), keep);
    }

    /** Levels hashing with {@code hasher}, which the caller may use too, from the same thread. */
    MerkleLevels(FsVerityParameters params, BlockHasher hasher, boolean keep) {
        this.params = params;
        this.hasher = hasher;
        this.keep = keep;
        this.blockSize = params.blockSize();
        this.digestLength = params.algorithm().digestLength();
        this.hash = new byte[digestLength];
    }

    /** Adds the hashes of {@code count} consecutive data blocks, stored back to back in {@code hashes}. */
    void addLeafHashes(byte[] hashes, int offset, int count) {
        for (int i = 0; i < count; i++) {
            add(0, hashes, offset + i * digestLength);
        }
    }

    private void add(int level, byte[] src, int offset) {
        while (true) {
            if (level == levels.size()) {
                levels.add(new Level(digestLength, keep));
            }
            Level l = levels.get(level);
            if (l.fill + digestLength > l.block.length) {
                l.block = Arrays.copyOf(l.block, blockSize);
            }
            System.arraycopy(src, offset, l.block, l.fill, digestLength);
            l.fill += digestLength;
            l.count++;
            if (l.fill < blockSize) {
                return;
            }
            if (l.kept != null) {
                l.kept.write(l.block, 0, blockSize);
            }
            hasher.hashBlock(l.block, 0, hash, 0);
            l.fill = 0;
            src = hash;
            offset = 0;
            level++;
        }
    }

    /** The digest of a file of {@code dataSize} bytes whose data-block hashes were all added. */
    FsVerityDigest finishDigest(long dataSize) {
        return FsVerityDescriptor.digest(params, dataSize, finish(dataSize, null));
    }

    /** The tree of a file of {@code dataSize} bytes whose data-block hashes were all added; needs keeping. */
    MerkleTree finishTree(long dataSize) {
        if (!keep) {
            throw new IllegalStateException("levels were not kept");
        }
        List<byte[]> kept = new ArrayList<>();
        byte[] root = finish(dataSize, kept);
        return new MerkleTree(params, dataSize, root, kept);
    }

    /** Folds the pending blocks up to the root; returns the root hash and adds kept levels, bottom first. */
    private byte[] finish(long dataSize, List<byte[]> kept) {
        byte[] root = new byte[digestLength];
        if (dataSize == 0) {
            return root;
        }
        for (int i = 0; ; i++) {
            Level l = levels.get(i);
            if (l.count == 1) {
                System.arraycopy(l.block, 0, root, 0, digestLength);
                break;
            }
            if (l.fill > 0) {
                hasher.hashPartialBlock(l.block, 0, l.fill, hash, 0);
                if (l.kept != null) {
                    l.kept.write(l.block, 0, l.fill);
                    for (int left = blockSize - l.fill; left > 0; left -= BlockHasher.ZEROS.length) {
                        l.kept.write(BlockHasher.ZEROS, 0, Math.min(left, BlockHasher.ZEROS.length));
                    }
                }
                l.fill = 0;
                add(i + 1, hash, 0);
            }
            if (kept != null) {
                kept.add(l.kept.toByteArray());
            }
        }
        return root;
    }
}
