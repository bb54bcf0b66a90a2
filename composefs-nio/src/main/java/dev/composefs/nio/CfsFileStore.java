package dev.composefs.nio;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Objects;

/**
 * The one file store of a {@code cfs:} file system: the image. Read-only, type {@code composefs};
 * its total space is the image size, and nothing is free.
 */
final class CfsFileStore extends FileStore {
    private final CfsFileSystem fs;

    CfsFileStore(CfsFileSystem fs) {
        this.fs = fs;
    }

    @Override
    public String name() {
        return fs.imageFile().toString();
    }

    @Override
    public String type() {
        return "composefs";
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public long getTotalSpace() throws IOException {
        fs.image();
        return fs.imageSize();
    }

    @Override
    public long getUsableSpace() {
        fs.image();
        return 0;
    }

    @Override
    public long getUnallocatedSpace() {
        fs.image();
        return 0;
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        Objects.requireNonNull(type, "type");
        return type == BasicFileAttributeView.class || type == PosixFileAttributeView.class
                || type == FileOwnerAttributeView.class || type == UserDefinedFileAttributeView.class
                || type == XattrFileAttributeView.class || type == ComposefsFileAttributeView.class;
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return AttributeViews.NAMES.contains(name);
    }

    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        Objects.requireNonNull(type, "type");
        return null;
    }

    @Override
    public Object getAttribute(String attribute) throws IOException {
        switch (attribute) {
            case "totalSpace":
                return getTotalSpace();
            case "usableSpace":
                return getUsableSpace();
            case "unallocatedSpace":
                return getUnallocatedSpace();
            default:
                throw new UnsupportedOperationException("file store attribute '" + attribute + "' is not supported");
        }
    }

    @Override
    public String toString() {
        return name() + " (composefs)";
    }
}
