package dev.composefs.format.tree.source;

/**
 * What a scanned regular file's payload (the backing path a reader opens for its content) is.
 */
public enum PayloadMode {
    /**
     * The path relative to the scanned directory, e.g. {@code usr/bin/ls}: the default of the
     * descriptor-era {@code mkcomposefs}; mount with the source directory as basedir.
     */
    RELATIVE_PATH,
    /**
     * The object path {@code XX/<62 hex>} of the file's fs-verity digest, and the digest stored
     * ({@code --by-digest}, {@code --digest-store}); mount with an object store as basedir.
     */
    DIGEST_PATH,
    /** The absolute canonical path of the file on disk ({@code --absolute}). */
    ABSOLUTE_PATH,
    /** No payload: the image holds metadata only. */
    NONE
}
