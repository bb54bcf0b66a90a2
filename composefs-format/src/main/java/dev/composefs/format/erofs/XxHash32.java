package dev.composefs.format.erofs;

import java.util.Objects;

/**
 * The 32-bit xxHash (XXH32) of Yann Collet's published specification; EROFS hashes xattr names with
 * it for the per-inode name filter.
 */
public final class XxHash32 {
    private static final int PRIME1 = 0x9E3779B1;
    private static final int PRIME2 = 0x85EBCA77;
    private static final int PRIME3 = 0xC2B2AE3D;
    private static final int PRIME4 = 0x27D4EB2F;
    private static final int PRIME5 = 0x165667B1;

    private XxHash32() {
    }

    /** XXH32 of all of {@code data} with {@code seed}. */
    public static int hash(byte[] data, int seed) {
        return hash(data, 0, data.length, seed);
    }

    /**
     * XXH32 of {@code data[offset, offset + length)} with {@code seed}.
     *
     * @throws IndexOutOfBoundsException if the range is not inside {@code data}
     */
    public static int hash(byte[] data, int offset, int length, int seed) {
        Objects.checkFromIndexSize(offset, length, data.length);
        int p = offset;
        int end = offset + length;
        int h;
        if (length >= 16) {
            int v1 = seed + PRIME1 + PRIME2;
            int v2 = seed + PRIME2;
            int v3 = seed;
            int v4 = seed - PRIME1;
            int limit = end - 16;
            while (p <= limit) {
                v1 = round(v1, le32(data, p));
                v2 = round(v2, le32(data, p + 4));
                v3 = round(v3, le32(data, p + 8));
                v4 = round(v4, le32(data, p + 12));
                p += 16;
            }
            h = Integer.rotateLeft(v1, 1) + Integer.rotateLeft(v2, 7) + Integer.rotateLeft(v3, 12) + Integer.rotateLeft(v4, 18);
        } else {
            h = seed + PRIME5;
        }
        h += length;
        while (p + 4 <= end) {
            h += le32(data, p) * PRIME3;
            h = Integer.rotateLeft(h, 17) * PRIME4;
            p += 4;
        }
        while (p < end) {
            h += (data[p] & 0xFF) * PRIME5;
            h = Integer.rotateLeft(h, 11) * PRIME1;
            p++;
        }
        h ^= h >>> 15;
        h *= PRIME2;
        h ^= h >>> 13;
        h *= PRIME3;
        h ^= h >>> 16;
        return h;
    }

    private static int round(int acc, int lane) {
        acc += lane * PRIME2;
        acc = Integer.rotateLeft(acc, 13);
        return acc * PRIME1;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xFF) | (b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 24;
    }
}
