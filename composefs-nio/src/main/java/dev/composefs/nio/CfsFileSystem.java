package dev.composefs.nio;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchService;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * A composefs image as a read-only {@link FileSystem}.
 *
 * <p><b>Design.</b> The file system holds the open {@link Image} (a reader over the mapped image file)
 * and nothing per inode: every lookup, listing and stat reads the image directly. Its collaborators,
 * one concept each: {@link CfsPath} (byte paths; syntax in {@link PathBytes}), {@link PathResolver}
 * (symlink-aware lookup inside the image), {@link CfsDirectoryStream} (lazy listings),
 * {@link AttributeViews} and {@link AttributeMaps} (attribute views and the {@code "view:a,b"}
 * grammar), {@link CfsFileChannel} (read-only content channels), {@link BackingStore} (finding and
 * verifying objects in the base directories; {@link ObjectOpener} opens them without ever hanging),
 * {@link OpenFileLimit} (the bound on open channels), {@link FileSystemState} (open/closed and what
 * must close with the file system) and {@link CfsFileStore}.
 *
 * <p><b>One check each.</b> Every operation that touches the image goes through {@link #image()},
 * which throws {@link java.nio.file.ClosedFileSystemException} once the file system is closed; every
 * mutation is refused through {@link #readOnly()} (ClosedFileSystemException first, once closed); options are read only
 * in {@link CfsOptions}. Paths stay usable for syntactic operations after close.
 */
final class CfsFileSystem extends FileSystem {
    private static final AtomicLong DEVICE_IDS = new AtomicLong(0xcf5_0000L);

    private final CfsFileSystemProvider provider;
    private final Path imageFile;
    private final Path registryKey;
    private final Image image;
    private final long imageSize;
    private final String imageUri;
    private final BackingStore backing;
    private final OpenFileLimit openFiles;
    private final FileSystemState state = new FileSystemState();
    private final CfsPath root = new CfsPath(this, new byte[] {PathBytes.SEP});
    private final PathResolver resolver = new PathResolver(this);
    private final CfsFileStore store = new CfsFileStore(this);
    private final long deviceId = DEVICE_IDS.incrementAndGet();

    CfsFileSystem(CfsFileSystemProvider provider, Path imageFile, Path registryKey, Image image, long imageSize,
                  CfsOptions options) {
        this.provider = provider;
        this.imageFile = imageFile;
        this.registryKey = registryKey;
        this.image = image;
        this.imageSize = imageSize;
        this.imageUri = imageFile.toUri().toString();
        this.backing = new BackingStore(options.basedirs(), options.verity());
        this.openFiles = new OpenFileLimit(options.maxOpenFiles());
    }

    /** The image, if the file system is open: the structural open check of every operation. */
    Image image() {
        state.checkOpen();
        return image;
    }

    FileSystemState state() {
        return state;
    }

    /**
     * The refusal of a mutation, to be thrown by every mutator: {@link ReadOnlyFileSystemException},
     * or {@link java.nio.file.ClosedFileSystemException} (thrown here) once the file system is closed,
     * since after close any access fails with that.
     */
    ReadOnlyFileSystemException readOnly() {
        state.checkOpen();
        return new ReadOnlyFileSystemException();
    }

    CfsPath rootPath() {
        return root;
    }

    PathResolver resolver() {
        return resolver;
    }

    long deviceId() {
        return deviceId;
    }

    Path imageFile() {
        return imageFile;
    }

    long imageSize() {
        return imageSize;
    }

    String imageUri() {
        return imageUri;
    }

    Path registryKey() {
        return registryKey;
    }

    // ---- operations on paths, used by the provider and the views ----

    CfsFileAttributes attributes(CfsPath path, boolean follow) throws IOException {
        long ino = resolver.lookup(path, follow);
        CfsAttributes known = path.attributes();
        if (known != null && known.stat().ino() == ino) {
            return known;
        }
        CfsAttributes a = new CfsAttributes(image().stat(ino), this);
        path.rememberAttributes(a);
        return a;
    }

    /**
     * The type of inode {@code ino}, which {@code path} names: from the attributes the path remembers
     * when they are that inode's (a walk asks for every directory's type several times), else from the
     * image.
     */
    FileType fileType(CfsPath path, long ino) throws IOException {
        CfsAttributes known = path.attributes();
        return known != null && known.stat().ino() == ino ? known.stat().type() : image().fileType(ino);
    }

    List<Xattr> xattrs(CfsPath path, boolean follow) throws IOException {
        return image().xattrs(resolver.lookup(path, follow));
    }

    /** The content of a regular file, or null for other types. */
    Content contentOrNull(CfsPath path, boolean follow) throws IOException {
        long ino = resolver.lookup(path, follow);
        Image img = image();
        return img.fileType(ino) == FileType.REGULAR ? img.content(ino) : null;
    }

    byte[] readSymbolicLink(CfsPath path) throws IOException {
        long ino = resolver.lookup(path, false);
        if (fileType(path, ino) != FileType.SYMLINK) {
            throw new NotLinkException(path.toString());
        }
        return image().readSymlink(ino);
    }

    DirectoryStream<Path> newDirectoryStream(CfsPath dir, DirectoryStream.Filter<? super Path> filter) throws IOException {
        long ino = resolver.lookup(dir, true);
        if (fileType(dir, ino) != FileType.DIRECTORY) {
            throw new NotDirectoryException(dir.toString());
        }
        DirectoryCursor cursor = image().openDirectory(ino);
        return new CfsDirectoryStream(dir, cursor, filter, state);
    }

    CfsFileChannel newFileChannel(CfsPath path, Set<? extends OpenOption> options) throws IOException {
        for (OpenOption o : options) {
            java.util.Objects.requireNonNull(o, "option");
            if (o == StandardOpenOption.WRITE || o == StandardOpenOption.APPEND || o == StandardOpenOption.DELETE_ON_CLOSE) {
                throw readOnly();
            }
            if (!(o instanceof StandardOpenOption) && !(o instanceof java.nio.file.LinkOption)) {
                throw new UnsupportedOperationException("unsupported open option " + o);
            }
        }
        boolean follow = LinkOptions.follow(options);
        long ino = resolver.lookup(path, follow);
        Image img = image();
        Stat st = img.stat(ino);
        switch (st.type()) {
            case REGULAR:
                break;
            case DIRECTORY:
                throw new FileSystemException(path.toString(), null, "Is a directory");
            case SYMLINK:
                throw new FileSystemException(path.toString(), null, "Too many levels of symbolic links");
            default:
                throw new FileSystemException(path.toString(), null, "not a regular file: devices, fifos and sockets"
                        + " of an image cannot be opened");
        }
        Content c = img.content(ino);
        OpenFileLimit.Slot slot = openFiles.acquire(path.toString());
        boolean handedOver = false;
        try {
            CfsFileChannel channel;
            if (c instanceof Content.Backing b) {
                SeekableByteChannel ch = backing.open(path.toString(), b, st.size());
                channel = CfsFileChannel.ofBacking(state, ch, path.toString(), slot);
            } else {
                byte[] bytes = c instanceof Content.Inline in ? in.bytes() : new byte[0];
                if (bytes.length != st.size()) {
                    throw new FileSystemException(path.toString(), null, "inline content has " + bytes.length
                            + " bytes, the inode says " + st.size());
                }
                channel = CfsFileChannel.ofBytes(state, bytes, slot);
            }
            handedOver = true;
            return channel;
        } finally {
            if (!handedOver) {
                slot.release();
            }
        }
    }

    /** How many channels of this file system are open. */
    int openFileCount() {
        return openFiles.open();
    }

    void checkAccess(CfsPath path, AccessMode... modes) throws IOException {
        long ino = resolver.lookup(path, true);
        Stat st = image().stat(ino);
        for (AccessMode m : modes) {
            if (m == AccessMode.WRITE) {
                throw new AccessDeniedException(path.toString(), null, "read-only file system");
            }
            if (m == AccessMode.EXECUTE && (st.mode() & 0111) == 0) {
                throw new AccessDeniedException(path.toString(), null, "no execute permission");
            }
        }
    }

    boolean isSameFile(CfsPath a, CfsPath b) throws IOException {
        return a.equals(b) || resolver.lookup(a, true) == resolver.lookup(b, true);
    }

    // ---- FileSystem ----

    @Override
    public CfsFileSystemProvider provider() {
        return provider;
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        boolean closedNow;
        try {
            closedNow = state.close();
        } catch (IOException e) {
            // The state is closed even when a resource failed to close: release the image all the same.
            failure = e;
            closedNow = true;
        }
        if (closedNow) {
            try {
                image.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            } finally {
                backing.close();
                provider.removeFileSystem(this);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isOpen() {
        return state.isOpen();
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public String getSeparator() {
        return "/";
    }

    @Override
    public Iterable<Path> getRootDirectories() {
        state.checkOpen();
        return List.of(root);
    }

    @Override
    public Iterable<FileStore> getFileStores() {
        state.checkOpen();
        return List.of(store);
    }

    FileStore fileStore() {
        return store;
    }

    @Override
    public Set<String> supportedFileAttributeViews() {
        return AttributeViews.NAMES;
    }

    @Override
    public CfsPath getPath(String first, String... more) {
        return new CfsPath(this, PathBytes.parse(first, more));
    }

    @Override
    public PathMatcher getPathMatcher(String syntaxAndPattern) {
        int colon = syntaxAndPattern.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("expected syntax:pattern, got '" + syntaxAndPattern + "'");
        }
        String syntax = syntaxAndPattern.substring(0, colon);
        String pattern = syntaxAndPattern.substring(colon + 1);
        String regex;
        if (syntax.equalsIgnoreCase("glob")) {
            regex = Globs.toRegex(pattern);
        } else if (syntax.equalsIgnoreCase("regex")) {
            regex = pattern;
        } else {
            throw new UnsupportedOperationException("syntax '" + syntax + "' not recognized");
        }
        Pattern p = Pattern.compile(regex);
        return path -> p.matcher(path.toString()).matches();
    }

    @Override
    public UserPrincipalLookupService getUserPrincipalLookupService() {
        return new NumericPrincipalLookup();
    }

    @Override
    public WatchService newWatchService() {
        throw new UnsupportedOperationException("a composefs image never changes: nothing to watch");
    }

    @Override
    public String toString() {
        return imageFile.toString();
    }
}
