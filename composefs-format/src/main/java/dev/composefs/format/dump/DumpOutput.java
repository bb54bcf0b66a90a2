package dev.composefs.format.dump;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A byte buffer in front of an {@link OutputStream}, with the few number and escape writers a dump
 * line needs. Numbers and escaped bytes go straight into the buffer, no intermediate strings. Every
 * writer first makes room for the most bytes it can produce, so the unchecked {@link #put} never
 * does I/O.
 */
final class DumpOutput extends DumpEscaping.Sink {
    private static final int CAPACITY = 1 << 16;
    private static final int CHUNK = CAPACITY / DumpEscaping.MAX_EXPANSION;

    private final OutputStream out;
    private final byte[] buf = new byte[CAPACITY];
    private final byte[] digits = new byte[24];
    private int pos;

    DumpOutput(OutputStream out) {
        this.out = out;
    }

    @Override
    void put(int b) {
        buf[pos++] = (byte) b;
    }

    void ascii(char c) throws IOException {
        room(1);
        put(c);
    }

    void ascii(String s) throws IOException {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            put(s.charAt(i));
        }
    }

    void escaped(byte[] value, DumpEscaping.Field field) throws IOException {
        escaped(value, value.length, field);
    }

    /** {@code value[0, length)} escaped for {@code field}. */
    void escaped(byte[] value, int length, DumpEscaping.Field field) throws IOException {
        if (length == 1 && DumpEscaping.isLoneDash(value, field)) {
            room(DumpEscaping.MAX_EXPANSION);
            hexEscape('-');
            return;
        }
        for (int off = 0; off < length; off += CHUNK) {
            int len = Math.min(CHUNK, length - off);
            room(len * DumpEscaping.MAX_EXPANSION);
            DumpEscaping.escape(value, off, len, field, this);
        }
    }

    /** {@code value} as an unsigned 64-bit decimal. */
    void unsigned(long value) throws IOException {
        int n = digits.length;
        long v = value;
        if (v < 0) {
            // Top bit set: peel off one digit with unsigned division first.
            long q = Long.divideUnsigned(v, 10);
            digits[--n] = (byte) ('0' + (v - q * 10));
            v = q;
        }
        do {
            digits[--n] = (byte) ('0' + v % 10);
            v /= 10;
        } while (v != 0);
        flushDigits(n);
    }

    /** {@code value} as a signed decimal. */
    void signed(long value) throws IOException {
        if (value < 0) {
            ascii('-');
            // -Long.MIN_VALUE is Long.MIN_VALUE, whose unsigned reading is the right magnitude.
            unsigned(-value);
        } else {
            unsigned(value);
        }
    }

    /** {@code value} as unsigned 32-bit octal, without a leading zero. */
    void octal(int value) throws IOException {
        int n = digits.length;
        int v = value;
        do {
            digits[--n] = (byte) ('0' + (v & 7));
            v >>>= 3;
        } while (v != 0);
        flushDigits(n);
    }

    /** {@code bytes} in lowercase hex. */
    void hex(byte[] bytes) throws IOException {
        room(2 * bytes.length);
        for (byte b : bytes) {
            put(Character.forDigit((b >> 4) & 0xf, 16));
            put(Character.forDigit(b & 0xf, 16));
        }
    }

    /** Writes the buffer to the stream and flushes the stream. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void flushDigits(int from) throws IOException {
        room(digits.length - from);
        for (int i = from; i < digits.length; i++) {
            put(digits[i]);
        }
    }

    private void room(int n) throws IOException {
        if (CAPACITY - pos < n) {
            drain();
        }
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }
}
