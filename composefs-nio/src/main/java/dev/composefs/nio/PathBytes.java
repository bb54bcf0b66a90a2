package dev.composefs.nio;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;

/**
 * Path syntax, on bytes: how strings become path bytes and back, and the normal form every
 * {@link CfsPath} is kept in (no empty names, no trailing slash). Names are any bytes but {@code /}
 * and NUL; strings are encoded as UTF-8 and decoded for display only, so no name is lost.
 */
final class PathBytes {
    static final byte SEP = '/';

    private PathBytes() {
    }

    /**
     * The bytes of {@code first} and {@code more} joined with {@code /}, empty strings skipped, in
     * normal form, as the JDK's Unix provider does.
     *
     * @throws InvalidPathException if a string contains NUL
     */
    static byte[] parse(String first, String... more) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(first.length() + 16);
        append(out, first);
        for (String s : more) {
            if (!s.isEmpty()) {
                if (out.size() > 0) {
                    out.write(SEP);
                }
                append(out, s);
            }
        }
        return normalizeSlashes(out.toByteArray());
    }

    private static void append(ByteArrayOutputStream out, String s) {
        if (s.indexOf('\0') >= 0) {
            throw new InvalidPathException(s, "Nul character not allowed");
        }
        if (!hasSurrogate(s)) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            return;
        }
        // A lone surrogate has no UTF-8 form: refused as the JDK refuses it, never replaced by '?'
        // (which would name another file).
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new InvalidPathException(s, "Malformed input or input contains unmappable characters");
        }
        out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
    }

    private static boolean hasSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code path} with repeated slashes collapsed and a trailing slash dropped (but {@code /} kept). */
    static byte[] normalizeSlashes(byte[] path) {
        int n = path.length;
        boolean clean = true;
        for (int i = 0; i < n; i++) {
            if (path[i] == SEP && (i == n - 1 ? n > 1 : path[i + 1] == SEP)) {
                clean = false;
                break;
            }
        }
        if (clean) {
            return path;
        }
        byte[] out = new byte[n];
        int j = 0;
        for (int i = 0; i < n; i++) {
            if (path[i] == SEP && j > 0 && out[j - 1] == SEP) {
                continue;
            }
            out[j++] = path[i];
        }
        if (j > 1 && out[j - 1] == SEP) {
            j--;
        }
        return java.util.Arrays.copyOf(out, j);
    }

    /** The bytes decoded as UTF-8, malformed sequences replaced: how a path prints. */
    static String toString(byte[] path) {
        return new String(path, StandardCharsets.UTF_8);
    }

    /** Whether {@code b[off, off + len)} is {@code .}. */
    static boolean isDot(byte[] b, int off, int len) {
        return len == 1 && b[off] == '.';
    }

    /** Whether {@code b[off, off + len)} is {@code ..}. */
    static boolean isDotDot(byte[] b, int off, int len) {
        return len == 2 && b[off] == '.' && b[off + 1] == '.';
    }
}
