package dev.composefs.nio;

import java.io.IOException;
import java.nio.file.attribute.FileAttributeView;
import java.util.List;

/**
 * Every extended attribute of a file by its full name ({@code security.selinux},
 * {@code trusted.overlay.opaque}, {@code user.mime_type}, ...), read-only. The view's name is
 * {@code "xattr"}: {@code Files.getAttribute(path, "xattr:security.capability")} gives the value as
 * a {@code byte[]}. Names are decoded as UTF-8 for the {@code String} API.
 */
public interface XattrFileAttributeView extends FileAttributeView {
    /** Returns {@code "xattr"}. */
    @Override
    String name();

    /** The full names of the file's xattrs, in stored order. */
    List<String> list() throws IOException;

    /**
     * The value of xattr {@code name}.
     *
     * @throws java.nio.file.FileSystemException if the file has no such xattr
     */
    byte[] read(String name) throws IOException;
}
