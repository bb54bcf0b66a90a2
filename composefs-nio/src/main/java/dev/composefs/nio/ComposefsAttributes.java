package dev.composefs.nio;

import dev.composefs.verity.FsVerityDigest;

/**
 * Where a file's content comes from in a composefs image.
 *
 * @param backingPath    the backing object's path relative to the base directories, or {@code null}
 *                       if the file has none (inline, empty, or not a regular file)
 * @param expectedDigest the fs-verity digest the backing object must have, or {@code null}
 * @param inline         whether the content is stored in the image itself
 */
public record ComposefsAttributes(String backingPath, FsVerityDigest expectedDigest, boolean inline) {
}
