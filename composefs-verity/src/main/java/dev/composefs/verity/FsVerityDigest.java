package dev.composefs.verity;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An fs-verity file digest: the algorithm and the hash of the file's 256-byte fs-verity descriptor.
 *
 * <p>Immutable. Prints as {@code sha256:<hex>} like {@code fsverity digest}; parses that form and
 * plain hex (the algorithm then follows from the length). composefs names objects by this digest:
 * {@link #objectPath()} is the relative path {@code XX/<rest>} under an object store.
 */
public final class FsVerityDigest implements Comparable<FsVerityDigest> {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] FORMATTED_MAGIC = "FSVerity".getBytes(StandardCharsets.US_ASCII);

    private final FsVerityAlgorithm algorithm;
    private final byte[] bytes;

    private FsVerityDigest(FsVerityAlgorithm algorithm, byte[] bytes) {
        this.algorithm = algorithm;
        this.bytes = bytes;
    }

    /**
     * A digest of {@code algorithm} with the given bytes (copied).
     *
     * @throws IllegalArgumentException if the length does not match the algorithm
     */
    public static FsVerityDigest of(FsVerityAlgorithm algorithm, byte[] bytes) {
        Objects.requireNonNull(algorithm, "algorithm");
        if (bytes.length != algorithm.digestLength()) {
            throw new IllegalArgumentException(algorithm.label() + " digest must be "
                    + algorithm.digestLength() + " bytes, not " + bytes.length);
        }
        return new FsVerityDigest(algorithm, bytes.clone());
    }

    /**
     * Parses {@code sha256:<hex>}, {@code sha512:<hex>} or plain hex of 64 (SHA-256) or 128 (SHA-512)
     * digits, either case.
     *
     * @throws IllegalArgumentException with the reason if {@code text} is not such a digest
     */
    public static FsVerityDigest parse(String text) {
        Objects.requireNonNull(text, "text");
        int colon = text.indexOf(':');
        FsVerityAlgorithm algorithm;
        String hex;
        if (colon >= 0) {
            algorithm = FsVerityAlgorithm.byLabel(text.substring(0, colon));
            hex = text.substring(colon + 1);
        } else {
            hex = text;
            algorithm = FsVerityAlgorithm.byDigestLength(hex.length() / 2);
            if (algorithm == null || hex.length() % 2 != 0) {
                throw new IllegalArgumentException("not an fs-verity digest (want 64 or 128 hex digits): " + text);
            }
        }
        if (hex.length() != 2 * algorithm.digestLength()) {
            throw new IllegalArgumentException(algorithm.label() + " digest needs "
                    + 2 * algorithm.digestLength() + " hex digits, got " + hex.length() + ": " + text);
        }
        try {
            return new FsVerityDigest(algorithm, HEX.parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a hex digest: " + text, e);
        }
    }

    /**
     * The digest named by an object path {@code XX/<rest>} (SHA-256: 2 + 62 hex digits), as
     * {@link #objectPath()} makes it.
     *
     * @throws IllegalArgumentException if {@code path} is not of that form
     */
    public static FsVerityDigest fromObjectPath(String path) {
        if (path.length() < 4 || path.charAt(2) != '/') {
            throw new IllegalArgumentException("not an object path XX/<rest>: " + path);
        }
        return parse(path.substring(0, 2) + path.substring(3));
    }

    /** The hash algorithm. */
    public FsVerityAlgorithm algorithm() {
        return algorithm;
    }

    /** A copy of the digest bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the digest bytes equal {@code other} (constant time). */
    public boolean matches(byte[] other) {
        return MessageDigest.isEqual(bytes, other);
    }

    /** The digest in lowercase hex, without the algorithm. */
    public String hex() {
        return HEX.formatHex(bytes);
    }

    /** The relative path composefs stores the object under: the first hex byte, a slash, the rest. */
    public String objectPath() {
        String hex = hex();
        return hex.substring(0, 2) + '/' + hex.substring(2);
    }

    /**
     * The {@code fsverity_formatted_digest} the kernel checks built-in signatures against:
     * {@code "FSVerity"}, the algorithm id (le16), the digest size (le16), the digest.
     */
    public byte[] formattedDigest() {
        ByteBuffer b = ByteBuffer.allocate(FORMATTED_MAGIC.length + 4 + bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(FORMATTED_MAGIC).putShort((short) algorithm.id()).putShort((short) bytes.length).put(bytes);
        return b.array();
    }

    /** {@code sha256:<hex>}, as {@code fsverity digest} prints it. */
    @Override
    public String toString() {
        return algorithm.label() + ':' + hex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsVerityDigest d && d.algorithm == algorithm && Arrays.equals(d.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return algorithm.hashCode() * 31 + Arrays.hashCode(bytes);
    }

    /** Orders by algorithm, then by the digest bytes compared unsigned. */
    @Override
    public int compareTo(FsVerityDigest o) {
        int c = algorithm.compareTo(o.algorithm);
        return c != 0 ? c : Arrays.compareUnsigned(bytes, o.bytes);
    }
}
