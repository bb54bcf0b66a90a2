package dev.composefs.nio;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * The {@code cfs:} URI syntax. A file system is named by its image: {@code cfs:/images/rootfs.cfs}
 * (an absolute path) or {@code cfs:file:///images/rootfs.cfs} (the image's URI). An entry appends
 * {@code !} and its absolute path, each byte outside the URI-safe set percent-encoded, so any name
 * survives: {@code cfs:file:///images/rootfs.cfs!/usr/lib/os-release}. A {@code !} in the image's
 * file name is fine; in a directory name of the image path ({@code /a!/b.cfs}) it is ambiguous in a
 * URI without an entry, as it is for {@code jar:} URIs.
 */
final class CfsUris {
    static final String SCHEME = "cfs";
    private static final String SEPARATOR = "!";

    private CfsUris() {
    }

    /** What a {@code cfs:} URI names: the image file, and the entry path bytes (null if none). */
    record Parsed(Path image, byte[] entry) {
    }

    static Parsed parse(URI uri) {
        if (!SCHEME.equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a cfs: URI: " + uri);
        }
        String ssp = uri.getRawSchemeSpecificPart();
        // The entry path is absolute and never holds a raw '!' (toUri escapes it), so the separator is
        // the last "!/", or a final '!'; a '!' elsewhere belongs to the image's name.
        int bang = ssp.lastIndexOf(SEPARATOR + "/");
        if (bang < 0 && ssp.endsWith(SEPARATOR)) {
            bang = ssp.length() - 1;
        }
        String imagePart = bang >= 0 ? ssp.substring(0, bang) : ssp;
        byte[] entry = bang >= 0 ? decode(ssp.substring(bang + 1), uri) : null;
        Path image;
        try {
            if (imagePart.startsWith("/")) {
                image = Path.of(new URI("file", null, percentDecodeToString(imagePart, uri), null));
            } else {
                image = Path.of(new URI(imagePart));
            }
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new IllegalArgumentException("cannot locate the image of " + uri + ": " + e.getMessage(), e);
        }
        return new Parsed(image, entry);
    }

    /** The URI of entry {@code absolutePath} in {@code fs}. */
    static URI toUri(CfsFileSystem fs, byte[] absolutePath) {
        StringBuilder sb = new StringBuilder(SCHEME).append(':').append(fs.imageUri()).append(SEPARATOR);
        HexFormat hex = HexFormat.of().withUpperCase();
        for (byte b : absolutePath) {
            int c = b & 0xff;
            if (isSafe(c)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(hex.toHexDigits((byte) c));
            }
        }
        return URI.create(sb.toString());
    }

    private static boolean isSafe(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "/-_.~+=,;:@$&'()*".indexOf(c) >= 0;
    }

    private static byte[] decode(String s, URI uri) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            if (s.charAt(i) == '%') {
                if (i + 3 > s.length()) {
                    throw new IllegalArgumentException("truncated %-escape in " + uri);
                }
                try {
                    out.write(HexFormat.fromHexDigits(s, i + 1, i + 3));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad %-escape in " + uri, e);
                }
                i += 3;
            } else {
                int j = s.indexOf('%', i);
                j = j < 0 ? s.length() : j;
                out.writeBytes(s.substring(i, j).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                i = j;
            }
        }
        return out.toByteArray();
    }

    private static String percentDecodeToString(String s, URI uri) {
        return new String(decode(s, uri), java.nio.charset.StandardCharsets.UTF_8);
    }
}
