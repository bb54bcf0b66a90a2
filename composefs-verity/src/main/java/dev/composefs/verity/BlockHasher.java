package dev.composefs.verity;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * Hashes one Merkle tree block (data or tree) as fs-verity does: the salt, zero-padded to the hash's
 * compression block, then the block. Not thread-safe: one per thread.
 */
final class BlockHasher {
    /**
     * Zeros for padding, as long as the largest block the kernel uses (larger blocks take them in
     * turns); shared and never written, so hashing a short file does not clear a block of its own.
     */
    static final byte[] ZEROS = new byte[FsVerityParameters.KERNEL_MAX_BLOCK_SIZE];

    private final MessageDigest md;
    private final byte[] paddedSalt;
    private final int blockSize;
    private final int digestLength;

    BlockHasher(FsVerityParameters params) {
        FsVerityAlgorithm alg = params.algorithm();
        this.md = alg.newMessageDigest();
        this.blockSize = params.blockSize();
        this.digestLength = alg.digestLength();
        int saltSize = params.saltSize();
        if (saltSize == 0) {
            this.paddedSalt = null;
        } else {
            int padded = (saltSize + alg.compressionBlockSize() - 1) / alg.compressionBlockSize() * alg.compressionBlockSize();
            this.paddedSalt = new byte[padded];
            System.arraycopy(params.salt(), 0, paddedSalt, 0, saltSize);
        }
    }

    /** Hashes the full block {@code block[offset, offset + blockSize)} into {@code out[outOffset...]}. */
    void hashBlock(byte[] block, int offset, byte[] out, int outOffset) {
        if (paddedSalt != null) {
            md.update(paddedSalt);
        }
        md.update(block, offset, blockSize);
        finish(out, outOffset);
    }

    /**
     * Hashes {@code length} bytes (at most a block) followed by zeros up to the block size: the last,
     * partial block of a file or a level.
     */
    void hashPartialBlock(byte[] data, int offset, int length, byte[] out, int outOffset) {
        if (paddedSalt != null) {
            md.update(paddedSalt);
        }
        md.update(data, offset, length);
        for (int left = blockSize - length; left > 0; left -= ZEROS.length) {
            md.update(ZEROS, 0, Math.min(left, ZEROS.length));
        }
        finish(out, outOffset);
    }

    /** The plain (unsalted) hash of {@code data}: the file digest is the hash of the descriptor. */
    byte[] plainHash(byte[] data) {
        return md.digest(data);
    }

    int digestLength() {
        return digestLength;
    }

    private void finish(byte[] out, int outOffset) {
        try {
            md.digest(out, outOffset, digestLength);
        } catch (DigestException e) {
            throw new IllegalStateException("output buffer too small for a " + digestLength + "-byte digest", e);
        }
    }
}
