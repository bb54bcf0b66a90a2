package dev.composefs.format.store;

import dev.composefs.format.internal.ParallelIo;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import java.util.IdentityHashMap;
import java.nio.charset.StandardCharsets;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A composefs object store: a directory of content-addressed backing files, each named
 * {@code XX/<62 hex>} after its fs-verity SHA-256 digest ({@link FsVerityDigest#objectPath()}).
 * Several images share one store; {@code mkcomposefs --digest-store=DIR} fills it.
 *
 * <p>Safe for concurrent writers, threads or processes: an object is written to a temporary file in
 * the store's own directory (so on the same file system), hashed as it is written, and only then
 * linked into place under its digest. An object that already exists is never replaced or modified,
 * and a failed write leaves no temporary file behind. Objects get mode 0644, as the reference
 * {@code mkcomposefs} gives them. Objects are not fsync'ed: a torn object after a crash fails its
 * fs-verity check when read, it is never served as good data.
 */
public final class ObjectStore {
    private static final FsVerityParameters PARAMS = FsVerityParameters.DEFAULT;
    private static final Set<PosixFilePermission> OBJECT_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final String TEMP_PREFIX = ".tmp-";
    private static final int COPY_BUFFER = 128 * 1024;

    private final Path root;
    private final int threads;

    private ObjectStore(Path root, int threads) {
        this.root = root;
        this.threads = threads;
    }

    /**
     * Opens the store at {@code root}, creating the directory if it is missing; {@link #putAll} uses as
     * many threads as there are processors.
     *
     * @throws NotDirectoryException if {@code root} exists and is not a directory
     */
    public static ObjectStore open(Path root) throws IOException {
        return open(root, ParallelIo.defaultThreads());
    }

    /**
     * Opens the store at {@code root}, creating the directory if it is missing; {@link #putAll} hashes
     * and copies on at most {@code threads} threads.
     *
     * @throws IllegalArgumentException if {@code threads} is less than 1
     * @throws NotDirectoryException    if {@code root} exists and is not a directory
     */
    public static ObjectStore open(Path root, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        Path dir = Objects.requireNonNull(root, "root").toAbsolutePath();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new NotDirectoryException(dir.toString());
        }
        Files.createDirectories(dir);
        return new ObjectStore(dir, threads);
    }

    /** The store's directory (absolute). */
    public Path root() {
        return root;
    }

    /** The number of threads {@link #putAll} uses. */
    public int threads() {
        return threads;
    }

    /** Where the object with {@code digest} is or would be: {@code root/XX/<rest>}. */
    public Path resolve(FsVerityDigest digest) {
        return root.resolve(digest.objectPath());
    }

    /** Whether the store holds a regular file under {@code digest}'s object path. Its content is not checked. */
    public boolean contains(FsVerityDigest digest) {
        return Files.isRegularFile(resolve(digest), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Stores a copy of the regular file {@code file} (symlinks are not followed) and returns its
     * fs-verity digest. If the store already holds that object, nothing is written.
     *
     * @throws IOException if {@code file} is not a regular file, cannot be read, changes while it is
     *                     copied, or the object cannot be written
     */
    public FsVerityDigest put(Path file) throws IOException {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isRegularFile()) {
            throw new IOException(file + ": not a regular file, cannot be stored as an object");
        }
        FsVerityDigest digest;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            digest = FsVerityHasher.digest(in, file.toString(), PARAMS, Runnable::run, 1);
        }
        if (!contains(digest)) {
            store(file, digest);
        }
        return digest;
    }

    /**
     * Stores {@code content} as an object (inline content that a format cannot hold inline) and
     * returns its fs-verity digest. If the store already holds that object, nothing is written.
     */
    public FsVerityDigest put(byte[] content) throws IOException {
        FsVerityDigest digest = FsVerityHasher.digest(content);
        if (!contains(digest)) {
            Path tmp = Files.createTempFile(root, TEMP_PREFIX, "");
            boolean moved = false;
            try {
                Files.write(tmp, content);
                moved = commit(tmp, digest);
            } finally {
                if (!moved) {
                    Files.deleteIfExists(tmp);
                }
            }
        }
        return digest;
    }

    /**
     * Moves the inline content of every regular file of {@code tree} into the store: the file then
     * refers to its object by digest path and digest. For formats without inline content (the
     * descriptor format). Hard links are moved once.
     *
     * @return the number of inodes changed
     */
    public int storeInlineContent(Tree tree) throws IOException {
        Map<Inode, Boolean> done = new IdentityHashMap<>();
        tree.walk((path, inode) -> {
            byte[] content = inode.content();
            if (content != null && done.put(inode, Boolean.TRUE) == null) {
                FsVerityDigest d = put(content);
                inode.content(null).digest(d).payload(d.objectPath().getBytes(StandardCharsets.US_ASCII));
            }
        });
        return done.size();
    }

    /**
     * Stores every file of {@code files} as {@link #put} does, on up to {@link #threads()} threads, and
     * returns each file's digest in the order given (duplicates once).
     *
     * @throws IOException the first failure, by the order of {@code files}; objects already written stay
     */
    public Map<Path, FsVerityDigest> putAll(Iterable<Path> files) throws IOException {
        Set<Path> unique = new LinkedHashSet<>();
        files.forEach(f -> unique.add(Objects.requireNonNull(f, "file")));
        List<ParallelIo.IoTask<FsVerityDigest>> tasks = new ArrayList<>(unique.size());
        for (Path f : unique) {
            tasks.add(() -> put(f));
        }
        List<FsVerityDigest> digests = ParallelIo.runAll(tasks, threads, "composefs-store");
        Map<Path, FsVerityDigest> result = new LinkedHashMap<>();
        int i = 0;
        for (Path f : unique) {
            result.put(f, digests.get(i++));
        }
        return result;
    }

    /**
     * Copies {@code file} to a temporary file in the store, hashing the bytes written, and links the
     * copy into place if it still has {@code expected}'s digest.
     */
    private void store(Path file, FsVerityDigest expected) throws IOException {
        Path tmp = Files.createTempFile(root, TEMP_PREFIX, "");
        boolean moved = false;
        try {
            FsVerityHasher hasher = new FsVerityHasher(PARAMS);
            try (InputStream in = Files.newInputStream(file);
                 OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                byte[] buf = new byte[COPY_BUFFER];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    hasher.update(buf, 0, n);
                }
            }
            FsVerityDigest copied = hasher.digest();
            if (!copied.equals(expected)) {
                throw new IOException(file + ": changed while being copied into the object store "
                        + root + " (digest " + expected + " before, " + copied + " after)");
            }
            moved = commit(tmp, expected);
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** Gives the complete temporary object its mode and puts it in place; true if it was renamed. */
    private boolean commit(Path tmp, FsVerityDigest digest) throws IOException {
        setObjectMode(tmp);
        Path target = resolve(digest);
        Files.createDirectories(target.getParent());
        return place(tmp, target);
    }

    /**
     * Puts {@code tmp} in place as {@code target} unless {@code target} exists: a hard link, which
     * never replaces an existing object, or where the file system has no hard links an atomic
     * rename (a concurrent writer's identical object may then be replaced by identical bytes).
     *
     * @return whether {@code tmp} was renamed (and so must not be deleted)
     */
    private static boolean place(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
            return false;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        }
    }

    private static void setObjectMode(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, OBJECT_MODE);
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: objects keep the store's default permissions.
        }
    }
}
