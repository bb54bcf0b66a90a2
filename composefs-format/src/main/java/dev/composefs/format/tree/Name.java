package dev.composefs.format.tree;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An immutable byte string: a file name, a path, an xattr key. composefs names are bytes end to end
 * (any byte but NUL, and {@code /} in file names); nothing here assumes a charset.
 *
 * <p>Ordered like C {@code strcmp}/{@code memcmp}: unsigned bytes, a prefix first. That is the order
 * of directory entries and xattrs in every composefs format.
 */
public final class Name implements Comparable<Name> {
    private final byte[] bytes;
    private int hash;

    private Name(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A name with a copy of {@code bytes}. */
    public static Name of(byte[] bytes) {
        return new Name(bytes.clone());
    }

    /** A name with a copy of {@code bytes[offset, offset + length)}. */
    public static Name of(byte[] bytes, int offset, int length) {
        return new Name(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** The UTF-8 encoding of {@code s}; for tests, constants and ASCII names. */
    public static Name of(String s) {
        return new Name(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The byte at {@code index}. */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** The number of bytes. */
    public int length() {
        return bytes.length;
    }

    /** Whether the name is {@code .} or {@code ..}. */
    public boolean isDotOrDotDot() {
        return (bytes.length == 1 && bytes[0] == '.') || (bytes.length == 2 && bytes[0] == '.' && bytes[1] == '.');
    }

    /** Whether the bytes equal {@code other[offset, offset + length)}, without copying. */
    public boolean contentEquals(byte[] other, int offset, int length) {
        return Arrays.equals(bytes, 0, bytes.length, other, offset, offset + length);
    }

    /** Writes the bytes into {@code dst} at {@code offset}. */
    public void copyTo(byte[] dst, int offset) {
        System.arraycopy(bytes, 0, dst, offset, bytes.length);
    }

    @Override
    public int compareTo(Name o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Name n && Arrays.equals(bytes, n.bytes);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(bytes);
            hash = h;
        }
        return h;
    }

    /** The bytes decoded as UTF-8, malformed bytes replaced: for messages only. */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
