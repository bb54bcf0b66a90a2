package dev.composefs.format.tree;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One extended attribute: its full name (with the namespace, e.g. {@code security.selinux}) and
 * its value, both bytes. Immutable; ordered by name as composefs stores xattrs.
 */
public final class Xattr implements Comparable<Xattr> {
    private final Name name;
    private final byte[] value;

    private Xattr(Name name, byte[] value) {
        this.name = name;
        this.value = value;
    }

    /** An xattr with the given name and a copy of {@code value}. */
    public static Xattr of(Name name, byte[] value) {
        return new Xattr(name, value.clone());
    }

    /** An xattr with a UTF-8 name; for tests and constants. */
    public static Xattr of(String name, byte[] value) {
        return new Xattr(Name.of(name), value.clone());
    }

    /** The full name. */
    public Name name() {
        return name;
    }

    /** A copy of the value. */
    public byte[] value() {
        return value.clone();
    }

    /** Bytes in the value. */
    public int valueLength() {
        return value.length;
    }

    /** Whether the value equals {@code other[offset, offset + length)}, without copying. */
    public boolean valueEquals(byte[] other, int offset, int length) {
        return Arrays.equals(value, 0, value.length, other, offset, offset + length);
    }

    /** Orders by name, then value, both unsigned bytes. */
    @Override
    public int compareTo(Xattr o) {
        int c = name.compareTo(o.name);
        return c != 0 ? c : Arrays.compareUnsigned(value, o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Xattr x && x.name.equals(name) && Arrays.equals(x.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + "=" + HexFormat.of().formatHex(value);
    }
}
