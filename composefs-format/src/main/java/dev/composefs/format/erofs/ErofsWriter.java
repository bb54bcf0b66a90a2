package dev.composefs.format.erofs;

import dev.composefs.format.store.AtomicFiles;
import dev.composefs.format.tree.Tree;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes a {@link Tree} as a composefs EROFS image (composefs 1.x, format version 0 or 1), byte for byte
 * what the reference {@code mkcomposefs} writes for the same tree.
 *
 * <p>The caller's tree is not modified: the writer works on a copy, to which it adds what composefs
 * images carry besides the tree (overlay xattrs, escaped {@code trusted.overlay.*} xattrs, whiteouts as
 * escaped regular files, the 256 root stubs {@code 00}..{@code ff}). When an inode has several names,
 * the first in depth-first byte order is its primary name.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ErofsWriter {
    private static final int BUFFER_SIZE = 1 << 16;

    private final ErofsWriterOptions options;

    /** A writer with the given version options. */
    public ErofsWriter(ErofsWriterOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A writer with {@link ErofsWriterOptions#DEFAULT}, like {@code mkcomposefs} without version options. */
    public ErofsWriter() {
        this(ErofsWriterOptions.DEFAULT);
    }

    /** The options of this writer. */
    public ErofsWriterOptions options() {
        return options;
    }

    /**
     * Writes the image of {@code tree} to {@code out}, which is flushed but not closed.
     *
     * @throws IllegalArgumentException if the tree cannot be stored in a composefs image: a directory
     *                                  with several names, an external file over 1024 chunks (about
     *                                  8 PiB), inline content whose length is not the file size, a
     *                                  symlink target empty or over 4095 bytes, xattr names outside
     *                                  1..255 bytes, values over 65535 bytes, or too many xattrs on one inode
     * @throws IOException              if writing fails
     */
    public void write(Tree tree, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        TreePreparation.Result prepared = TreePreparation.prepare(Objects.requireNonNull(tree, "tree"), options);
        ImagePlan plan = ImagePlan.of(prepared.root());
        ImageEmitter.emit(plan, prepared.version(), new BufferedOutputStream(out, BUFFER_SIZE));
    }

    /**
     * The image of {@code tree} in memory.
     *
     * @throws IllegalArgumentException as {@link #write(Tree, OutputStream)}
     */
    public byte[] toBytes(Tree tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(tree, out);
        } catch (IOException e) {
            throw new UncheckedIOException("a byte array stream does not fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the image of {@code tree} to {@code channel}, which is left open.
     *
     * @throws IllegalArgumentException as {@link #write(Tree, OutputStream)}
     * @throws IOException              if writing fails
     */
    public void write(Tree tree, WritableByteChannel channel) throws IOException {
        write(tree, Channels.newOutputStream(Objects.requireNonNull(channel, "channel")));
    }

    /**
     * Writes the image of {@code tree} to the file {@code image}: first to a temporary file in the same
     * directory, then renamed atomically over {@code image}, so readers never see a partial image.
     *
     * @throws IllegalArgumentException as {@link #write(Tree, OutputStream)}; nothing is left behind
     * @throws IOException              if writing or renaming fails; the temporary file is removed
     */
    public void write(Tree tree, Path image) throws IOException {
        AtomicFiles.write(image, out -> write(tree, out));
    }
}
