package dev.composefs.format.dump;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The escaping rules of the dump format (composefs-dump(5)), applied to paths, payloads, inline
 * content and xattr keys and values. All bytes, no charset.
 *
 * <p>Encoding is what {@code composefs-info dump} prints in the C locale: {@code \} becomes {@code \\},
 * LF {@code \n}, CR {@code \r}, TAB {@code \t}; every other byte outside 0x21..0x7E (space, controls,
 * DEL, bytes &ge; 0x80) becomes {@code \xhh} in lowercase hex. In xattr keys and values {@code =} is
 * written {@code \x3d}, because a reader splits the field at the first raw {@code =}. A payload or
 * content that is exactly {@code -} is written {@code \x2d}, because a bare {@code -} means "absent".
 *
 * <p>Decoding accepts {@code \\ \n \r \t} and {@code \xHH} (two hex digits of either case); every other
 * byte stands for itself. Any other escape, or one cut short by the end of the field, is an error.
 */
public final class DumpEscaping {
    private DumpEscaping() {
    }

    /** Where an escaped value goes in a dump line; the rules differ slightly. */
    public enum Field {
        /** The PATH field, and a path written elsewhere in a line. */
        PATH(false, false, false),
        /** The PAYLOAD field: a lone {@code -} is escaped. */
        PAYLOAD(false, true, false),
        /** The CONTENT field: a lone {@code -} is escaped. */
        CONTENT(false, true, false),
        /** An xattr key: {@code =} is escaped. */
        XATTR_KEY(true, false, false),
        /** An xattr value: {@code =} is escaped; a lone {@code -} is literal. */
        XATTR_VALUE(true, false, false),
        /** A path in a {@code composefs-info ls} listing: like PATH, but a space stays a space. */
        LISTING_PATH(false, false, true);

        final boolean escapeEquals;
        final boolean escapeLoneDash;
        final boolean keepSpace;

        Field(boolean escapeEquals, boolean escapeLoneDash, boolean keepSpace) {
            this.escapeEquals = escapeEquals;
            this.escapeLoneDash = escapeLoneDash;
            this.keepSpace = keepSpace;
        }
    }

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    /** The most bytes one input byte can become. */
    static final int MAX_EXPANSION = 4;

    /** {@code value} escaped for {@code field}, as bytes. */
    public static byte[] escape(byte[] value, Field field) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 8);
        Sink sink = new Sink() {
            @Override
            void put(int b) {
                out.write(b);
            }
        };
        if (isLoneDash(value, field)) {
            sink.hexEscape('-');
        } else {
            escape(value, 0, value.length, field, sink);
        }
        return out.toByteArray();
    }

    /** Whether {@code value} is the lone {@code -} that {@code field} must write as {@code \x2d}. */
    static boolean isLoneDash(byte[] value, Field field) {
        return field.escapeLoneDash && value.length == 1 && value[0] == '-';
    }

    /**
     * Receives escaped bytes; lets {@link DumpOutput} escape straight into its buffer, which it
     * sizes beforehand so that {@link #put} never has to do I/O.
     */
    abstract static class Sink {
        abstract void put(int b);

        void hexEscape(int b) {
            put('\\');
            put('x');
            put(HEX[(b >> 4) & 0xf]);
            put(HEX[b & 0xf]);
        }
    }

    /**
     * Escapes {@code value[offset, offset + length)} byte by byte; the lone-dash rule is the caller's
     * (see {@link #isLoneDash}), so a long value can be escaped in pieces.
     */
    static void escape(byte[] value, int offset, int length, Field field, Sink out) {
        for (int i = offset; i < offset + length; i++) {
            int c = value[i] & 0xff;
            switch (c) {
                case '\\' -> {
                    out.put('\\');
                    out.put('\\');
                }
                case '\n' -> {
                    out.put('\\');
                    out.put('n');
                }
                case '\r' -> {
                    out.put('\\');
                    out.put('r');
                }
                case '\t' -> {
                    out.put('\\');
                    out.put('t');
                }
                default -> {
                    if ((c < 0x21 && !(c == ' ' && field.keepSpace)) || c > 0x7e || (c == '=' && field.escapeEquals)) {
                        out.hexEscape(c);
                    } else {
                        out.put(c);
                    }
                }
            }
        }
    }

    /**
     * Decodes the escaped bytes {@code src[from, to)}.
     *
     * @throws IllegalArgumentException with the reason if an escape is unknown or cut short
     */
    public static byte[] unescape(byte[] src, int from, int to) {
        byte[] out = null;
        int n = 0;
        for (int i = from; i < to; i++) {
            byte c = src[i];
            if (c != '\\') {
                if (out != null) {
                    out[n++] = c;
                }
                continue;
            }
            if (out == null) {
                // Only copy once an escape shows up; most fields have none.
                out = Arrays.copyOfRange(src, from, to);
                n = i - from;
            }
            if (++i >= to) {
                throw new IllegalArgumentException("No character after escape");
            }
            switch (src[i]) {
                case '\\' -> out[n++] = '\\';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'x' -> {
                    if (i + 2 >= to) {
                        throw new IllegalArgumentException("No hex characters after hex escape");
                    }
                    int hi = Character.digit(src[i + 1], 16);
                    int lo = Character.digit(src[i + 2], 16);
                    if (hi < 0 || lo < 0 || src[i + 1] < 0 || src[i + 2] < 0) {
                        throw new IllegalArgumentException("Invalid hex characters after hex escape");
                    }
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 2;
                }
                default -> throw new IllegalArgumentException("Unsupported escape type " + describe(src[i]));
            }
        }
        return out == null ? Arrays.copyOfRange(src, from, to) : Arrays.copyOf(out, n);
    }

    /** A byte for a message: itself if printable ASCII, else {@code \xhh}. */
    static String describe(byte b) {
        int c = b & 0xff;
        return c >= 0x21 && c <= 0x7e ? String.valueOf((char) c) : String.format("\\x%02x", c);
    }
}
