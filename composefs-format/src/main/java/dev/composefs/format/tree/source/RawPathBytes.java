package dev.composefs.format.tree.source;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The exact bytes of file names and symlink targets as the Linux kernel returns them, obtained
 * through public java.nio APIs only.
 *
 * <p>The JDK's Linux provider keeps a path's raw bytes inside its {@code Path} objects (directory
 * listings and {@code readlink} build them from bytes), but {@link Path#toString()} decodes them
 * with {@code sun.jnu.encoding}, which loses invalid sequences (byte 0xff in a UTF-8 locale, every
 * byte above 0x7f in the C locale). {@link Path#toUri()}, however, percent-encodes the raw bytes, so
 * decoding the URI's raw path gives them back exactly. ASCII-only strings, the common case, take a
 * shortcut: decoders never produce an ASCII character from a non-ASCII byte (they substitute
 * U+FFFD), so an all-ASCII string is exactly its bytes.
 */
final class RawPathBytes {
    private RawPathBytes() {
    }

    /** The bytes of the last name of {@code file}, an absolute path. */
    static byte[] fileName(Path file) throws IOException {
        Path name = file.getFileName();
        if (name == null) {
            throw new IOException(file + ": has no file name");
        }
        String s = name.toString();
        if (isAscii(s)) {
            return ascii(s);
        }
        byte[] all = uriPathBytes(file);
        int end = all.length;
        // toUri() appends '/' when the path names a directory; a file name never contains '/'.
        if (end > 0 && all[end - 1] == '/') {
            end--;
        }
        int start = end;
        while (start > 0 && all[start - 1] != '/') {
            start--;
        }
        byte[] out = new byte[end - start];
        System.arraycopy(all, start, out, 0, out.length);
        return out;
    }

    /** The bytes of a whole path as {@code readSymbolicLink} returned it, relative or absolute. */
    static byte[] path(Path path) throws IOException {
        String s = path.toString();
        if (isAscii(s)) {
            return ascii(s);
        }
        boolean relative = !path.isAbsolute();
        // Anchoring a relative path at "/" only prepends one byte; toUri() would prepend the working directory.
        Path absolute = relative ? path.getFileSystem().getPath("/").resolve(path) : path;
        byte[] all = uriPathBytes(absolute);
        int end = all.length;
        // toUri() appends '/' when the path names an existing directory; the decoded string shows
        // whether the slash was there already (the ASCII '/' survives any decoding).
        if (!s.endsWith("/") && end > 1 && all[end - 1] == '/') {
            end--;
        }
        int start = relative ? 1 : 0;
        byte[] out = new byte[end - start];
        System.arraycopy(all, start, out, 0, out.length);
        return out;
    }

    /** The bytes of the absolute, percent-decoded path of {@code path}'s URI. */
    private static byte[] uriPathBytes(Path path) throws IOException {
        String raw = path.toUri().getRawPath();
        if (raw == null) {
            throw new IOException(path + ": its URI has no path");
        }
        return percentDecode(raw, path);
    }

    static byte[] percentDecode(String raw, Path path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new IOException(path + ": truncated escape in URI path " + raw);
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IOException(path + ": bad escape in URI path " + raw);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                throw new IOException(path + ": unescaped non-ASCII character in URI path " + raw);
            }
        }
        return out.toByteArray();
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) s.charAt(i);
        }
        return b;
    }
}
