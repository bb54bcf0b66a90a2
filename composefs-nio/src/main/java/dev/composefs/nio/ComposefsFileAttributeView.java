package dev.composefs.nio;

import java.io.IOException;
import java.nio.file.attribute.FileAttributeView;

/**
 * The composefs-specific attributes of a file: its backing path, expected digest, and whether its
 * content is inline. The view's name is {@code "composefs"}; the attributes are {@code backingPath}
 * ({@code String}), {@code digest} ({@code String}, {@code sha256:<hex>}) and {@code inline}
 * ({@code Boolean}). Reading them never touches the backing object.
 */
public interface ComposefsFileAttributeView extends FileAttributeView {
    /** Returns {@code "composefs"}. */
    @Override
    String name();

    /** The attributes, read from the image. */
    ComposefsAttributes readAttributes() throws IOException;
}
