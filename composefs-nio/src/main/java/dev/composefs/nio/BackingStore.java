package dev.composefs.nio;

import dev.composefs.format.image.Content;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.MerkleTreeCache;
import dev.composefs.verity.VerifiedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The object store behind a file system: finds a file's backing object in the base directories, in
 * order, confined to them, and opens it verified as the {@link VerityMode} says.
 *
 * <p>Confinement: a backing path must be relative, without {@code .} or {@code ..} names, and the
 * object's real path (symlinks in the base directory resolved) must lie inside the base directory's
 * real path. Once an object's path in a directory only this user and root can change has shown no
 * symlink, later objects of that directory are confined by a look at themselves alone (the opener's
 * check, which refuses a symlink): nobody else can put a symlink above them. Only regular files are
 * opened, by {@link ObjectOpener}, so a fifo planted in the store (or swapped in while it is opened)
 * cannot block a reader for ever.
 * Verified objects go through {@link VerifiedChannel}; their Merkle trees are kept in a bounded
 * in-memory cache, so opening a file again costs one hash pass rather than two.
 */
final class BackingStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackingStore.class);
    private static final long TREE_CACHE_BYTES = 64L << 20;

    private final List<Path> basedirs;
    private final VerityMode mode;
    private final MerkleTreeCache trees = MerkleTreeCache.inMemory(TREE_CACHE_BYTES);
    private final Map<Path, Path> realBasedirs = new ConcurrentHashMap<>();
    /**
     * Directories of base directories, by real path, that an object's real path went through without a
     * symlink and that only this user and root can change ({@link ObjectOpener#trusts}): their
     * objects need no {@code toRealPath}, about 5 µs of every open.
     */
    private final Set<Path> plainTrustedDirectories = ConcurrentHashMap.newKeySet();
    private static final int MAX_PLAIN_DIRECTORIES = 4096;
    private final ObjectOpener opener;
    private final String basedirsText;

    BackingStore(List<Path> basedirs, VerityMode mode) {
        this(basedirs, mode, new ObjectOpener(ObjectOpener.DEFAULT_TIMEOUT_MILLIS));
    }

    /** A store opening its objects with {@code opener}. */
    BackingStore(List<Path> basedirs, VerityMode mode, ObjectOpener opener) {
        this.basedirs = basedirs;
        this.mode = mode;
        this.opener = opener;
        this.basedirsText = basedirs.toString();
    }

    /**
     * Opens the content of {@code file}, an image file of {@code size} bytes backed by {@code content}.
     *
     * @throws MissingObjectException if no base directory has the object
     * @throws FileSystemException naming the file, the object and the base directories if the object
     *                             is not a regular file, escapes its base directory, changes while it is
     *                             opened, or a base directory is not a directory
     * @throws dev.composefs.verity.VerityException if the object does not match its expected digest
     */
    SeekableByteChannel open(String file, Content.Backing content, long size) throws IOException {
        String rel = relativePath(file, content.path());
        if (mode == VerityMode.REQUIRE && content.expectedDigest() == null) {
            throw new FileSystemException(file, null, "no expected fs-verity digest for backing object " + rel
                    + ", and verity=require");
        }
        String describe = "backing object " + rel + " (base directories " + basedirsText + ")";
        for (Path basedir : basedirs) {
            Path base = realBasedir(file, basedir, describe);
            if (base == null) {
                continue;
            }
            Path real = base.resolve(rel);
            SeekableByteChannel ch = null;
            if (plainTrustedDirectories.contains(real.getParent())) {
                // No symlink above the object, and nobody else can add one: only the object itself
                // needs a look, and that look is the opener's check.
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                } catch (FileSystemException e) {
                    a = null;
                }
                if (a != null && a.isRegularFile()) {
                    ch = opener.open(file, real, describe, a);
                }
            }
            if (ch == null) {
                // Anything else (a symlink, a special file, an unreadable path) takes the full way.
                real = locate(file, base, rel, describe);
                if (real == null) {
                    continue;
                }
                ch = opener.open(file, real, describe);
            }
            try {
                SeekableByteChannel result = ch;
                if (mode != VerityMode.NONE && content.expectedDigest() != null) {
                    result = VerifiedChannel.open(ch, real.toString(), content.expectedDigest(),
                            FsVerityParameters.of(content.expectedDigest().algorithm(), 4096), trees);
                }
                if (result.size() != size) {
                    throw new FileSystemException(file, real.toString(), describe + " has " + result.size()
                            + " bytes, the image says " + size);
                }
                return result;
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: cannot use backing object {}: {}", file, real, e.getMessage());
                ch.close();
                throw e;
            }
        }
        LOG.warn("{}: backing object {} not found in {}", file, rel, basedirs);
        throw new MissingObjectException(file, rel, basedirs);
    }

    /** The object's real path in {@code base} (a real base directory), or null if it is not there. */
    private Path locate(String file, Path base, String rel, String describe) throws IOException {
        Path real;
        try {
            real = base.resolve(rel).toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(file, e.getFile(), describe + ": permission denied");
        } catch (FileSystemException e) {
            if (e.getReason() != null && e.getReason().contains("Not a directory")) {
                // A file where the object's directory should be: this basedir lacks the object.
                return null;
            }
            throw new FileSystemException(file, e.getFile(), describe + ": " + e.getReason());
        }
        if (!real.startsWith(base)) {
            throw new AccessDeniedException(file, real.toString(), describe + " resolves outside its base directory " + base);
        }
        Path dir = real.getParent();
        if (real.equals(base.resolve(rel)) && opener.trusts(dir)) {
            if (plainTrustedDirectories.size() >= MAX_PLAIN_DIRECTORIES) {
                plainTrustedDirectories.clear();
            }
            plainTrustedDirectories.add(dir);
        }
        return real;
    }

    private Path realBasedir(String file, Path basedir, String describe) throws IOException {
        Path real = realBasedirs.get(basedir);
        if (real == null) {
            try {
                real = basedir.toRealPath();
            } catch (NoSuchFileException e) {
                LOG.debug("base directory {} does not exist", basedir);
                return null;
            } catch (AccessDeniedException e) {
                throw new AccessDeniedException(file, basedir.toString(), describe + ": base directory " + basedir
                        + " cannot be read");
            }
            if (!Files.isDirectory(real)) {
                throw new FileSystemException(file, basedir.toString(), describe + ": base directory " + basedir
                        + " is not a directory");
            }
            realBasedirs.put(basedir, real);
        }
        return real;
    }

    /** Stops the opener's idle worker threads. */
    @Override
    public void close() {
        opener.close();
    }

    /**
     * The backing path as a relative path string, refused if it could leave the base directory.
     */
    static String relativePath(String file, byte[] path) throws IOException {
        String why = null;
        if (path.length == 0) {
            why = "is empty";
        } else if (path[0] == '/') {
            why = "is absolute";
        } else {
            int start = 0;
            for (int i = 0; i <= path.length && why == null; i++) {
                if (i == path.length || path[i] == '/') {
                    int len = i - start;
                    if (len == 0 || PathBytes.isDot(path, start, len) || PathBytes.isDotDot(path, start, len)) {
                        why = "has an empty, '.' or '..' name";
                    }
                    start = i + 1;
                } else if (path[i] == 0) {
                    why = "contains NUL";
                }
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(path)).toString();
        } catch (CharacterCodingException e) {
            text = null;
            if (why == null) {
                why = "is not valid UTF-8";
            }
        }
        if (why != null) {
            throw new AccessDeniedException(file, null, "backing path '" + PathBytes.toString(path) + "' " + why);
        }
        return text;
    }
}
