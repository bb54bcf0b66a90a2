package dev.composefs.verity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * How an fs-verity Merkle tree is built: the hash algorithm, the block size and an optional salt.
 * These, with the file's bytes, determine the digest.
 *
 * <p>Immutable. {@link #DEFAULT} (SHA-256, 4096-byte blocks, no salt) is what composefs always uses.
 */
public final class FsVerityParameters {
    /** Smallest block size the Linux kernel accepts (userspace tools accept smaller ones). */
    public static final int KERNEL_MIN_BLOCK_SIZE = 1024;
    /** Largest block size the Linux kernel accepts. */
    public static final int KERNEL_MAX_BLOCK_SIZE = 65536;
    /** Largest block size accepted here: it bounds the memory a tree level's pending block takes. */
    public static final int MAX_BLOCK_SIZE = 1 << 24;
    /** Longest salt the descriptor has room for. */
    public static final int MAX_SALT_SIZE = 32;

    /** SHA-256, 4096-byte blocks, no salt: composefs's parameters. */
    public static final FsVerityParameters DEFAULT = new FsVerityParameters(FsVerityAlgorithm.SHA256, 4096, new byte[0]);

    private final FsVerityAlgorithm algorithm;
    private final int blockSize;
    private final byte[] salt;

    private FsVerityParameters(FsVerityAlgorithm algorithm, int blockSize, byte[] salt) {
        this.algorithm = algorithm;
        this.blockSize = blockSize;
        this.salt = salt;
    }

    /**
     * Parameters with the given algorithm, block size and salt (at most 32 bytes, copied; empty for
     * none). Like {@code fsverity digest}, any power of two that holds at least two hashes is accepted
     * (up to {@link #MAX_BLOCK_SIZE}); the kernel itself enables verity only for 1024 to 65536.
     *
     * @throws IllegalArgumentException if the block size or salt is out of range
     */
    public static FsVerityParameters of(FsVerityAlgorithm algorithm, int blockSize, byte[] salt) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (Integer.bitCount(blockSize) != 1 || blockSize < 2 * algorithm.digestLength() || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("invalid block size " + blockSize + ": must be a power of two from "
                    + 2 * algorithm.digestLength() + " to " + MAX_BLOCK_SIZE);
        }
        if (salt.length > MAX_SALT_SIZE) {
            throw new IllegalArgumentException("salt is " + salt.length + " bytes, at most " + MAX_SALT_SIZE + " allowed");
        }
        return new FsVerityParameters(algorithm, blockSize, salt.clone());
    }

    /** Parameters with the given algorithm and block size and no salt. */
    public static FsVerityParameters of(FsVerityAlgorithm algorithm, int blockSize) {
        return of(algorithm, blockSize, new byte[0]);
    }

    /** The hash algorithm. */
    public FsVerityAlgorithm algorithm() {
        return algorithm;
    }

    /** The Merkle tree block size in bytes. */
    public int blockSize() {
        return blockSize;
    }

    /** log2 of the block size, as the descriptor stores it. */
    public int logBlockSize() {
        return Integer.numberOfTrailingZeros(blockSize);
    }

    /** A copy of the salt; empty when there is none. */
    public byte[] salt() {
        return salt.clone();
    }

    /** Bytes of salt. */
    public int saltSize() {
        return salt.length;
    }

    /** Hashes per tree block: the fan-out of the Merkle tree. */
    public int hashesPerBlock() {
        return blockSize / algorithm.digestLength();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsVerityParameters p && p.algorithm == algorithm && p.blockSize == blockSize
                && Arrays.equals(p.salt, salt);
    }

    @Override
    public int hashCode() {
        return (algorithm.hashCode() * 31 + blockSize) * 31 + Arrays.hashCode(salt);
    }

    @Override
    public String toString() {
        return algorithm.label() + "/" + blockSize + (salt.length == 0 ? "" : "/salt=" + HexFormat.of().formatHex(salt));
    }
}
