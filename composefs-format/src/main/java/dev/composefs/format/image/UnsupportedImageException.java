package dev.composefs.format.image;

import java.io.IOException;

/**
 * A file is not an image this library can read: no known magic number, a format version it does not
 * know, or a size beyond its limits. Distinct from {@link CorruptImageException}, which means the
 * format was recognised but its content is broken.
 */
public class UnsupportedImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message naming the file and the reason. */
    public UnsupportedImageException(String message) {
        super(message);
    }
}
