package dev.composefs.verity;

import java.io.IOException;

/**
 * Content that does not hash up to its expected fs-verity digest: a changed, truncated or replaced
 * file, or a Merkle tree that does not belong to the digest. No byte of the bad data is returned
 * to the caller.
 */
public class VerityException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception with the full message (the file, the block or offset, both digests). */
    public VerityException(String message) {
        super(message);
    }

    /** An exception with a message and the I/O failure that caused it. */
    public VerityException(String message, Throwable cause) {
        super(message, cause);
    }
}
