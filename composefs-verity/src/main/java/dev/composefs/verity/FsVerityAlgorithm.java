package dev.composefs.verity;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * A hash algorithm fs-verity can build its Merkle tree with, with the kernel's numbering
 * ({@code FS_VERITY_HASH_ALG_*}) and the sizes the tree and descriptor layout depend on.
 */
public enum FsVerityAlgorithm {
    /** SHA-256, kernel id 1: what composefs uses everywhere. */
    SHA256(1, "sha256", "SHA-256", 32, 64),
    /** SHA-512, kernel id 2. */
    SHA512(2, "sha512", "SHA-512", 64, 128);

    private final int id;
    private final String label;
    private final String jcaName;
    /** Never updated, only cloned: the clones start from its empty state. */
    private volatile MessageDigest prototype;
    private final int digestLength;
    private final int compressionBlockSize;

    FsVerityAlgorithm(int id, String label, String jcaName, int digestLength, int compressionBlockSize) {
        this.id = id;
        this.label = label;
        this.jcaName = jcaName;
        this.digestLength = digestLength;
        this.compressionBlockSize = compressionBlockSize;
    }

    /** The kernel's {@code FS_VERITY_HASH_ALG_*} number, as stored in the descriptor. */
    public int id() {
        return id;
    }

    /** The name {@code fsverity digest} prints and accepts: {@code sha256} or {@code sha512}. */
    public String label() {
        return label;
    }

    /** The JCA name for {@link MessageDigest#getInstance(String)}. */
    public String jcaName() {
        return jcaName;
    }

    /** Bytes in one digest of this algorithm. */
    public int digestLength() {
        return digestLength;
    }

    /**
     * The hash function's internal block size; a salt is zero-padded to a multiple of it, so the
     * salted state can be computed once and cloned for every block.
     */
    public int compressionBlockSize() {
        return compressionBlockSize;
    }

    /**
     * A fresh {@link MessageDigest}; every JDK has both algorithms, so this cannot fail. Cloned from a
     * prototype when the provider allows it: a provider lookup per digest shows when thousands of small
     * files are verified.
     */
    public MessageDigest newMessageDigest() {
        MessageDigest p = prototype;
        if (p == null) {
            p = getInstance();
            prototype = p;
        }
        try {
            return (MessageDigest) p.clone();
        } catch (CloneNotSupportedException e) {
            return getInstance();
        }
    }

    private MessageDigest getInstance() {
        try {
            return MessageDigest.getInstance(jcaName);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks " + jcaName, e);
        }
    }

    /**
     * The algorithm named {@code name} ({@code sha256}, {@code sha512}, any case).
     *
     * @throws IllegalArgumentException for any other name
     */
    public static FsVerityAlgorithm byLabel(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (FsVerityAlgorithm a : values()) {
            if (a.label.equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown fs-verity hash algorithm: " + name);
    }

    /**
     * The algorithm with kernel number {@code id}.
     *
     * @throws IllegalArgumentException for an unknown number
     */
    public static FsVerityAlgorithm byId(int id) {
        for (FsVerityAlgorithm a : values()) {
            if (a.id == id) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown fs-verity hash algorithm id: " + id);
    }

    /** The algorithm whose digests are {@code length} bytes long, or {@code null}. */
    static FsVerityAlgorithm byDigestLength(int length) {
        for (FsVerityAlgorithm a : values()) {
            if (a.digestLength == length) {
                return a;
            }
        }
        return null;
    }
}
