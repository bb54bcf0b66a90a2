package dev.composefs.format.dump;

import java.nio.charset.StandardCharsets;

/**
 * The numeric fields of a dump line, parsed two ways.
 *
 * <p>Strict: plain digits only (a {@code -} sign only where {@link #signed} allows it), range-checked
 * against the field's width. Lenient: what the reference parser accepts, which reads every number
 * with C {@code strtoull}: leading white space, an optional {@code +} or {@code -} (a negative value
 * wraps modulo 2<sup>64</sup>), saturation at 2<sup>64</sup>&minus;1 on overflow; the caller then
 * keeps the low bits its field has, as the C structures do.
 */
final class DumpNumbers {
    private DumpNumbers() {
    }

    /** The largest unsigned 32-bit value. */
    static final long U32_MAX = 0xFFFF_FFFFL;

    /**
     * Parses an unsigned number of {@code radix} 8 or 10 from {@code b[from, to)}.
     *
     * @param max    the largest value allowed in strict mode, compared unsigned
     * @param strict whether to apply the strict rules (else C {@code strtoull})
     * @param name   the field name for messages
     * @return the value as unsigned 64 bits
     */
    static long unsigned(byte[] b, int from, int to, int radix, long max, boolean strict, String name) throws FieldException {
        if (!strict) {
            return strtoull(b, from, to, radix, name);
        }
        if (from == to) {
            throw new FieldException("Missing " + name);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d >= radix) {
                throw new FieldException("Invalid " + name + " '" + text(b, from, to) + "'");
            }
            long next = v * radix + d;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, radix)) > 0 || Long.compareUnsigned(next, v) < 0) {
                throw new FieldException(name + " out of range: " + text(b, from, to));
            }
            v = next;
        }
        if (Long.compareUnsigned(v, max) > 0) {
            throw new FieldException(name + " out of range: " + text(b, from, to) + " (max " + Long.toUnsignedString(max, radix) + ")");
        }
        return v;
    }

    /**
     * Parses a signed decimal from {@code b[from, to)}: strict, an optional {@code -} and digits that
     * fit a {@code long}; lenient, C {@code strtoull} read as a two's-complement {@code int64}.
     */
    static long signed(byte[] b, int from, int to, boolean strict, String name) throws FieldException {
        if (!strict) {
            return strtoull(b, from, to, 10, name);
        }
        boolean negative = from < to && b[from] == '-';
        long magnitude = unsigned(b, negative ? from + 1 : from, to, 10, negative ? Long.MIN_VALUE : Long.MAX_VALUE, true, name);
        return negative ? -magnitude : magnitude;
    }

    /**
     * C {@code strtoull(s, &end, radix)} with the reference parser's check that the whole field was
     * consumed and not empty.
     */
    static long strtoull(byte[] b, int from, int to, int radix, String name) throws FieldException {
        int i = from;
        while (i < to && isCSpace(b[i])) {
            i++;
        }
        boolean negative = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            i++;
        }
        int firstDigit = i;
        long v = 0;
        boolean overflow = false;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d >= radix) {
                break;
            }
            long next = v * radix + d;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, radix)) > 0 || Long.compareUnsigned(next, v) < 0) {
                overflow = true;
            }
            v = next;
        }
        if (i == firstDigit || i != to) {
            throw new FieldException("Invalid " + name + " '" + text(b, from, to) + "'");
        }
        if (overflow) {
            return -1L;
        }
        return negative ? -v : v;
    }

    private static boolean isCSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    /** The field as text for a message: printable ASCII kept, other bytes as {@code \xhh}; cut at 64 bytes. */
    static String text(byte[] b, int from, int to) {
        StringBuilder s = new StringBuilder();
        int end = Math.min(to, from + 64);
        for (int i = from; i < end; i++) {
            int c = b[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                s.append((char) c);
            } else {
                s.append(new String(DumpEscaping.escape(new byte[] {b[i]}, DumpEscaping.Field.PATH), StandardCharsets.US_ASCII));
            }
        }
        if (end < to) {
            s.append("...");
        }
        return s.toString();
    }
}
