package dev.composefs.format.image;

import dev.composefs.verity.FsVerityDigest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where a regular file's content is: nowhere (empty file), inline in the image, or in a backing file
 * named by a relative path under the base directories, optionally with the fs-verity digest the
 * backing file must have.
 */
public sealed interface Content permits Content.Empty, Content.Inline, Content.Backing {

    /** The content of an empty file. */
    Content EMPTY = new Empty();

    /** An empty file: nothing to read. */
    record Empty() implements Content {
    }

    /**
     * Content stored in the image itself.
     *
     * @param bytes the content; copied in and out
     */
    record Inline(byte[] bytes) implements Content {
        /** Copies the bytes. */
        public Inline {
            bytes = bytes.clone();
        }

        /** A copy of the content. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Inline i && Arrays.equals(i.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Inline[" + bytes.length + " bytes]";
        }
    }

    /**
     * Content in a backing file.
     *
     * @param path           the backing path, relative to a base directory, as bytes; copied in and out.
     *                       Empty when the image names no backing file (an EROFS image written from a
     *                       dump line without one); such content cannot be read
     * @param expectedDigest the fs-verity digest the backing file must have, or {@code null} if the
     *                       image gives none
     */
    record Backing(byte[] path, FsVerityDigest expectedDigest) implements Content {
        /** Copies the path. */
        public Backing {
            path = path.clone();
        }

        /** A copy of the backing path. */
        @Override
        public byte[] path() {
            return path.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Backing b && Arrays.equals(b.path, path) && Objects.equals(b.expectedDigest, expectedDigest);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(path) * 31 + Objects.hashCode(expectedDigest);
        }

        /** The path decoded as UTF-8 for reading (malformed bytes replaced) and the digest. */
        @Override
        public String toString() {
            return "Backing[" + new String(path, StandardCharsets.UTF_8) + ", " + expectedDigest + "]";
        }
    }
}
