package dev.composefs.format.dump;

import dev.composefs.format.image.Image;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the dump text of a tree, byte for byte as {@code composefs-info dump} prints it for an image
 * with the same metadata.
 *
 * <p>One line per name, depth-first pre-order from {@code /}, children in byte order. Each line is
 * {@code PATH SIZE MODE NLINK UID GID RDEV MTIME PAYLOAD CONTENT DIGEST [KEY=VALUE]...}; see
 * {@link DumpEscaping} for the escaping. A non-directory met a second time is written as a hard-link
 * line: all fields of the inode, the mode prefixed by {@code @}, and as PAYLOAD the path under which
 * the walk met it first.
 *
 * <p>The writer prints what the inodes hold, without normalising:
 * <ul>
 * <li>SIZE is {@link Inode#size()} for every type, directories included (an image reader hands over
 *     the directory size of the image, as the C dumper prints it);
 * <li>PAYLOAD, CONTENT and DIGEST are {@code -} when absent or empty;
 * <li>xattrs are printed in the order of {@link Inode#xattrs()}. {@code composefs-info} prints them in
 *     on-disk order, which is what image readers hand over; {@link DumpReader} sorts them by key.
 *     Sort beforehand if a canonical order is wanted.
 * </ul>
 *
 * <p>Use {@link #write(Tree, OutputStream)} or {@link #write(Tree, Path)} for a whole tree,
 * {@link #write(Image, OutputStream)} for an image, or an
 * instance to stream entries one by one (e.g. straight from an image, without building a tree).
 * Instances are not thread-safe.
 */
public final class DumpWriter {
    private final DumpOutput out;

    /** A writer of dump lines to {@code out}; call {@link #flush()} at the end. */
    public DumpWriter(OutputStream out) {
        this.out = new DumpOutput(Objects.requireNonNull(out, "out"));
    }

    /** Writes the whole of {@code tree} to {@code out} and flushes it (without closing it). */
    public static void write(Tree tree, OutputStream out) throws IOException {
        DumpWriter w = new DumpWriter(out);
        Map<Inode, byte[]> firstPath = new IdentityHashMap<>();
        // The walk's reused path buffer is written as is: only a non-directory's first path is copied,
        // for the hard-link lines that may follow.
        tree.walkPaths((path, length, inode) -> {
            byte[] first = null;
            if (!inode.isDirectory()) {
                first = firstPath.get(inode);
                if (first == null) {
                    firstPath.put(inode, Arrays.copyOf(path, length));
                }
            }
            w.line(path, length, inode, first);
        });
        w.flush();
    }

    /**
     * Writes the dump of {@code image} to {@code out} and flushes it (without closing it), streaming
     * from the image's directories without building a tree. Xattrs are printed in the order the
     * image hands them over (its on-disk order, as {@code composefs-info dump} prints them); a hard
     * link points at the first path of its inode in the walk.
     *
     * @throws dev.composefs.format.image.CorruptImageException if the image is damaged, including a
     *                                                          directory reachable under two names
     */
    public static void write(Image image, OutputStream out) throws IOException {
        ImageDump.write(image, new DumpWriter(out));
    }

    /**
     * Writes the dump of {@code tree} to {@code file}: into a temporary file beside it, renamed into
     * place when complete, so that {@code file} never holds a partial dump.
     */
    public static void write(Tree tree, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (OutputStream os = Files.newOutputStream(tmp)) {
                write(tree, os);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes the line of {@code inode} under absolute {@code path}.
     *
     * @param path  the absolute path, bytes; {@code /} for the root
     * @param inode the inode
     */
    public void entry(byte[] path, Inode inode) throws IOException {
        line(path, path.length, inode, null);
    }

    /**
     * Writes a hard-link line: {@code path} names {@code target} again, which was written before
     * under {@code targetPath}.
     */
    public void hardLink(byte[] path, Inode target, byte[] targetPath) throws IOException {
        line(path, path.length, target, Objects.requireNonNull(targetPath, "targetPath"));
    }

    /** Writes out everything buffered and flushes the stream. */
    public void flush() throws IOException {
        out.flush();
    }

    /**
     * Writes the line of {@code inode} under {@code path[0, pathLength)}: a hard-link line to
     * {@code linkTarget} if that is not null.
     */
    void line(byte[] path, int pathLength, Inode inode, byte[] linkTarget) throws IOException {
        out.escaped(path, pathLength, DumpEscaping.Field.PATH);
        out.ascii(' ');
        out.unsigned(inode.size());
        out.ascii(' ');
        if (linkTarget != null) {
            out.ascii('@');
        }
        out.octal(inode.mode());
        out.ascii(' ');
        out.unsigned(inode.nlink());
        out.ascii(' ');
        out.unsigned(inode.uid());
        out.ascii(' ');
        out.unsigned(inode.gid());
        out.ascii(' ');
        out.unsigned(inode.rdev());
        out.ascii(' ');
        out.signed(inode.mtime().seconds());
        out.ascii('.');
        out.unsigned(Integer.toUnsignedLong(inode.mtime().nanos()));
        out.ascii(' ');
        optional(linkTarget != null ? linkTarget : inode.payload(), DumpEscaping.Field.PAYLOAD);
        out.ascii(' ');
        optional(inode.content(), DumpEscaping.Field.CONTENT);
        out.ascii(' ');
        FsVerityDigest digest = inode.digest();
        if (digest == null) {
            out.ascii('-');
        } else {
            out.hex(digest.bytes());
        }
        for (Xattr x : inode.xattrs()) {
            out.ascii(' ');
            out.escaped(x.name().bytes(), DumpEscaping.Field.XATTR_KEY);
            out.ascii('=');
            out.escaped(x.value(), DumpEscaping.Field.XATTR_VALUE);
        }
        out.ascii('\n');
    }

    private void optional(byte[] value, DumpEscaping.Field field) throws IOException {
        if (value == null || value.length == 0) {
            out.ascii('-');
        } else {
            out.escaped(value, field);
        }
    }
}
