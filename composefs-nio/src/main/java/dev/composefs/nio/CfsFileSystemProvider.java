package dev.composefs.nio;

import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.VerityException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.Channels;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.spi.FileSystemProvider;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code cfs:} file system provider: composefs images (descriptor or EROFS format) as read-only
 * java.nio file systems, with regular-file content read lazily from base directories of objects and
 * checked against the fs-verity digests the image records.
 *
 * <p><b>Opening.</b> {@code FileSystems.newFileSystem(URI.create("cfs:/images/rootfs.cfs"), env)}
 * (or {@code cfs:file:///images/rootfs.cfs}) opens and registers a file system under the image's real
 * path: a second open of the same image throws {@link FileSystemAlreadyExistsException},
 * {@link #getFileSystem(URI)} finds it, and {@code Path.of(URI)} resolves entry URIs
 * {@code cfs:<image-uri>!/path} against it until it is closed. {@code FileSystems.newFileSystem(Path, env)}
 * opens an <em>unregistered</em> file system (as the JDK's zip provider does), so several may be
 * open on one image; entry URIs of such a file system cannot be turned back into paths. A file that
 * is not a composefs image gives {@link UnsupportedOperationException} from the {@code Path} form, so
 * other providers get their turn. The {@code env} keys are documented in {@link CfsOptions}.
 *
 * <p><b>Registration.</b> Listed in {@code META-INF/services} and in the module descriptor. Note that
 * {@code Path.of(URI)} finds only providers on the system class path or module path.
 */
public final class CfsFileSystemProvider extends FileSystemProvider {
    private static final Map<Path, CfsFileSystem> FILE_SYSTEMS = new ConcurrentHashMap<>();

    /** The provider; instantiated by the service loader. */
    public CfsFileSystemProvider() {
    }

    @Override
    public String getScheme() {
        return CfsUris.SCHEME;
    }

    // ---- file systems ----

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) throws IOException {
        CfsUris.Parsed parsed = CfsUris.parse(uri);
        Path key = parsed.image().toRealPath();
        CfsOptions options = CfsOptions.parse(env);
        synchronized (FILE_SYSTEMS) {
            if (FILE_SYSTEMS.containsKey(key)) {
                throw new FileSystemAlreadyExistsException(key.toString());
            }
            CfsFileSystem fs = open(parsed.image(), key, options);
            FILE_SYSTEMS.put(key, fs);
            return fs;
        }
    }

    @Override
    public FileSystem newFileSystem(Path path, Map<String, ?> env) throws IOException {
        CfsOptions options = CfsOptions.parse(env);
        if (!isImage(path)) {
            throw new UnsupportedOperationException(path + " is not a composefs image");
        }
        return open(path, null, options);
    }

    private static boolean isImage(Path path) throws IOException {
        if (!Files.readAttributes(path, BasicFileAttributes.class).isRegularFile()) {
            // A directory or device is no image; reading it would fail with an IOException instead.
            return false;
        }
        // Enough of the head for every magic the format layer knows, the EROFS superblock's at 1024
        // included (a plain EROFS image has no composefs header); ImageFormat.detect decides.
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(HEAD_BYTES);
        }
        try (ImageData data = ImageData.wrap(head, path)) {
            return ImageFormat.detect(data) != null;
        }
    }

    /** How much of a file {@link #isImage} reads: up to the end of the EROFS superblock magic. */
    private static final int HEAD_BYTES = 1024 + 4;

    private CfsFileSystem open(Path imageFile, Path key, CfsOptions options) throws IOException {
        FsVerityDigest expected = options.digest();
        ImageData data;
        if (expected != null) {
            // Verified images are read into memory once and hashed there: the bytes checked are the
            // bytes served, whatever happens to the file afterwards (a mapping would show changes).
            byte[] bytes = readImage(imageFile);
            FsVerityDigest actual = new FsVerityHasher(FsVerityParameters.of(expected.algorithm(),
                    FsVerityParameters.DEFAULT.blockSize())).update(bytes).digest();
            if (!actual.equals(expected)) {
                throw new VerityException(imageFile + ": image fs-verity digest is " + actual + ", expected " + expected);
            }
            data = ImageData.wrap(bytes, imageFile);
        } else {
            data = ImageData.map(imageFile);
        }
        long size = data.size();
        Image image = Image.open(data, options.view());
        return new CfsFileSystem(this, imageFile, key, image, size, options);
    }

    private static byte[] readImage(Path imageFile) throws IOException {
        long size = Files.size(imageFile);
        if (size > ImageData.MAX_SIZE) {
            throw new dev.composefs.format.image.UnsupportedImageException(imageFile + ": image is " + size
                    + " bytes; images larger than 2 GiB - 1 are not supported");
        }
        try (InputStream in = Files.newInputStream(imageFile)) {
            return in.readNBytes((int) size);
        }
    }

    void removeFileSystem(CfsFileSystem fs) {
        if (fs.registryKey() != null) {
            FILE_SYSTEMS.remove(fs.registryKey(), fs);
        }
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        return registered(CfsUris.parse(uri).image());
    }

    private static CfsFileSystem registered(Path image) {
        CfsFileSystem fs = null;
        try {
            fs = FILE_SYSTEMS.get(image.toRealPath());
        } catch (IOException e) {
            // an image that cannot be found has no file system either
        }
        if (fs == null) {
            throw new FileSystemNotFoundException(image.toString());
        }
        return fs;
    }

    @Override
    public Path getPath(URI uri) {
        CfsUris.Parsed parsed = CfsUris.parse(uri);
        if (parsed.entry() == null) {
            throw new IllegalArgumentException("no entry path (after '!') in " + uri);
        }
        if (parsed.entry().length == 0 || parsed.entry()[0] != PathBytes.SEP) {
            throw new IllegalArgumentException("the entry path of " + uri + " is not absolute");
        }
        CfsFileSystem fs = registered(parsed.image());
        for (byte b : parsed.entry()) {
            if (b == 0) {
                throw new IllegalArgumentException("NUL in the entry path of " + uri);
            }
        }
        return new CfsPath(fs, PathBytes.normalizeSlashes(parsed.entry()));
    }

    private static CfsPath cfs(Path p) {
        if (!(Objects.requireNonNull(p) instanceof CfsPath c)) {
            throw new ProviderMismatchException("not a cfs: path: " + p);
        }
        return c;
    }

    // ---- content ----

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        CfsPath p = cfs(path);
        for (FileAttribute<?> a : attrs) {
            // Initial attributes only matter when a file is created, which the write options refused
            // below prevent; as in the JDK, only unknown ones are an error on a read-only open.
            String name = a.name();
            if (!name.equals("posix:permissions") && !name.equals("unix:permissions")) {
                throw new UnsupportedOperationException("'" + name + "' not supported as initial attribute");
            }
        }
        return p.getFileSystem().newFileChannel(p, options);
    }

    @Override
    public InputStream newInputStream(Path path, OpenOption... options) throws IOException {
        for (OpenOption o : options) {
            if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND) {
                throw new UnsupportedOperationException("'" + o + "' not allowed");
            }
        }
        CfsPath p = cfs(path);
        // A set that tolerates repeated options, as Files.newByteChannel(path, options...) does.
        Set<OpenOption> set = new java.util.HashSet<>();
        for (OpenOption o : options) {
            set.add(Objects.requireNonNull(o, "option"));
        }
        return Channels.newInputStream(p.getFileSystem().newFileChannel(p, set));
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        CfsPath p = cfs(dir);
        Objects.requireNonNull(filter, "filter");
        return p.getFileSystem().newDirectoryStream(p, filter);
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        CfsPath p = cfs(link);
        return new CfsPath(p.getFileSystem(), PathBytes.normalizeSlashes(p.getFileSystem().readSymbolicLink(p)));
    }

    // ---- attributes and access ----

    @Override
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        return AttributeViews.of(cfs(path), Objects.requireNonNull(type), LinkOptions.follow(options));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        CfsPath p = cfs(path);
        if (type == BasicFileAttributes.class || type == PosixFileAttributes.class || type == CfsFileAttributes.class) {
            return (A) p.getFileSystem().attributes(p, LinkOptions.follow(options));
        }
        throw new UnsupportedOperationException("attributes of type " + type.getName() + " are not supported");
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options) throws IOException {
        return AttributeMaps.read(cfs(path), attributes, LinkOptions.follow(options));
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        CfsPath p = cfs(path);
        p.getFileSystem().checkAccess(p, modes);
    }

    @Override
    public boolean isSameFile(Path path, Path path2) throws IOException {
        CfsPath a = cfs(path);
        Objects.requireNonNull(path2, "path2");
        if (!(path2 instanceof CfsPath b) || b.getFileSystem() != a.getFileSystem()) {
            return false;
        }
        return a.getFileSystem().isSameFile(a, b);
    }

    @Override
    public boolean isHidden(Path path) {
        CfsPath name = cfs(path).getFileName();
        return name != null && name.bytes().length > 0 && name.bytes()[0] == '.';
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        CfsPath p = cfs(path);
        p.getFileSystem().resolver().lookup(p, true);
        return p.getFileSystem().fileStore();
    }

    // ---- mutations: all refused ----

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) {
        throw cfs(dir).getFileSystem().readOnly();
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) {
        throw cfs(link).getFileSystem().readOnly();
    }

    @Override
    public void createLink(Path link, Path existing) {
        throw cfs(link).getFileSystem().readOnly();
    }

    @Override
    public void delete(Path path) {
        throw cfs(path).getFileSystem().readOnly();
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) {
        throw cfs(target).getFileSystem().readOnly();
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) {
        throw cfs(source).getFileSystem().readOnly();
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) {
        throw cfs(path).getFileSystem().readOnly();
    }
}
