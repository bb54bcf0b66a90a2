package dev.composefs.format.tree.source;

import dev.composefs.format.internal.ParallelIo;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds a {@link Tree} from a directory on disk, as the reference {@code mkcomposefs SOURCE IMAGE}
 * does: every file type (devices, FIFOs and sockets too), full {@code st_mode}, uid, gid, rdev, size,
 * mtime and ctime to the nanosecond, symlink targets, and xattrs of every namespace, with names,
 * targets and xattrs as the kernel's bytes. Symlinks are stored, never followed (the source directory
 * itself may be reached through one).
 *
 * <p>Regular files get inline content, a payload and a digest as {@link ScanOptions} say; content is
 * hashed (and copied into a digest store) on {@link ScanOptions#threads()} threads after the walk.
 * Without {@link ScanOptions#hardlinks()} every name is its own inode with nlink 1, like the
 * reference tools; with it, the names of one (device, inode) share an {@link Inode} whose nlink is
 * their number in the tree. Directories get nlink 2 + their subdirectories and size 0 (image writers
 * compute directory sizes).
 *
 * <p>Deterministic: children are ordered by name bytes and xattrs by name, so scanning the same tree
 * twice gives equal trees. Linux only: it reads the JDK's {@code unix:*} attributes. A scanner keeps
 * no state between scans, so one instance may scan several directories at once.
 */
public final class DirectoryScanner {
    private static final String ATTRIBUTES = "unix:mode,ino,dev,rdev,nlink,uid,gid,size,lastModifiedTime,ctime";
    private static final FsVerityParameters PARAMS = FsVerityParameters.DEFAULT;

    private final ScanOptions options;
    private final XattrReader xattrReader;

    /** A scanner with the given options, reading xattrs through the best reader available. */
    public DirectoryScanner(ScanOptions options) {
        this(options, XattrReader.system());
    }

    DirectoryScanner(ScanOptions options, XattrReader xattrReader) {
        this.options = Objects.requireNonNull(options, "options");
        this.xattrReader = Objects.requireNonNull(xattrReader, "xattrReader");
    }

    /** The options this scanner applies. */
    public ScanOptions options() {
        return options;
    }

    /**
     * Scans the directory {@code source} and everything below it.
     *
     * @throws NotDirectoryException if {@code source} is not a directory
     * @throws IOException           if a file cannot be read, or a small file changes size while it is
     *                               read inline; the message names the file
     */
    public Tree scan(Path source) throws IOException {
        return new Walk(source.toRealPath()).run();
    }

    /** One directory waiting to be listed. */
    private record Pending(Path path, byte[] absolute, byte[] relative, Inode inode) {
    }

    /** A regular file whose content is hashed (and stored) after the walk. */
    private record ContentJob(Inode inode, Path file) {
    }

    /** Identifies a file on the host for hard-link detection. */
    private record FileId(long dev, long ino) {
    }

    /** The state of one scan. */
    private final class Walk {
        private final Path root;
        private final List<ContentJob> jobs = new ArrayList<>();
        private final Map<FileId, Inode> linked = new HashMap<>();
        private final Map<Inode, Integer> names = new IdentityHashMap<>();

        Walk(Path root) {
            this.root = root;
        }

        Tree run() throws IOException {
            Map<String, Object> attrs = Files.readAttributes(root, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            if (FileType.ofMode((Integer) attrs.get("mode")) != FileType.DIRECTORY) {
                throw new NotDirectoryException(root.toString());
            }
            byte[] rootBytes = RawPathBytes.path(root);
            Inode rootInode = inode(root, rootBytes, new byte[0], attrs);
            Deque<Pending> stack = new ArrayDeque<>();
            stack.push(new Pending(root, rootBytes, new byte[0], rootInode));
            while (!stack.isEmpty()) {
                Pending dir = stack.pop();
                List<Pending> subdirs = list(dir);
                for (int i = subdirs.size() - 1; i >= 0; i--) {
                    stack.push(subdirs.get(i));
                }
            }
            finishContent();
            names.forEach((inode, count) -> inode.nlink(count));
            return new Tree(rootInode);
        }

        /** Enters the entries of {@code dir} into its inode; returns its subdirectories, in name order. */
        private List<Pending> list(Pending dir) throws IOException {
            TreeMap<Name, Path> entries = new TreeMap<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir.path())) {
                for (Path entry : stream) {
                    entries.put(Name.of(RawPathBytes.fileName(entry)), entry);
                }
            }
            List<Pending> subdirs = new ArrayList<>();
            for (Map.Entry<Name, Path> e : entries.entrySet()) {
                Path file = e.getValue();
                byte[] name = e.getKey().bytes();
                Map<String, Object> attrs = Files.readAttributes(file, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                FileType type = FileType.ofMode((Integer) attrs.get("mode"));
                if (options.skipDevices() && (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE)) {
                    continue;
                }
                FileId id = null;
                if (options.hardlinks() && type != FileType.DIRECTORY && (Integer) attrs.get("nlink") > 1) {
                    id = new FileId((Long) attrs.get("dev"), (Long) attrs.get("ino"));
                    Inode seen = linked.get(id);
                    if (seen != null) {
                        dir.inode().addChild(e.getKey(), seen);
                        names.merge(seen, 1, Integer::sum);
                        continue;
                    }
                }
                byte[] absolute = join(dir.absolute(), name);
                byte[] relative = dir.relative().length == 0 ? name : join(dir.relative(), name);
                Inode inode = inode(file, absolute, relative, attrs);
                dir.inode().addChild(e.getKey(), inode);
                if (id != null) {
                    linked.put(id, inode);
                    names.put(inode, 1);
                }
                if (type == FileType.DIRECTORY) {
                    subdirs.add(new Pending(file, absolute, relative, inode));
                }
            }
            dir.inode().nlink(2L + subdirs.size());
            return subdirs;
        }

        /** The inode of {@code file} with everything but content digests, which {@link #finishContent} adds. */
        private Inode inode(Path file, byte[] absolute, byte[] relative, Map<String, Object> attrs) throws IOException {
            int mode = (Integer) attrs.get("mode");
            FileType type = FileType.ofMode(mode);
            if (type == null) {
                throw new IOException(file + ": unknown file type in mode 0" + Integer.toOctalString(mode));
            }
            Inode inode = new Inode(mode)
                    .uid(Integer.toUnsignedLong((Integer) attrs.get("uid")))
                    .gid(Integer.toUnsignedLong((Integer) attrs.get("gid")));
            if (!options.useEpoch()) {
                inode.mtime(timespec((FileTime) attrs.get("lastModifiedTime")));
                inode.ctime(timespec((FileTime) attrs.get("ctime")));
            }
            switch (type) {
                case CHAR_DEVICE, BLOCK_DEVICE -> inode.rdev(linuxDeviceNumber((Long) attrs.get("rdev")));
                case SYMLINK -> {
                    byte[] target = RawPathBytes.path(Files.readSymbolicLink(file));
                    inode.payload(target).size(target.length);
                }
                case REGULAR -> regular(inode, file, absolute, relative, (Long) attrs.get("size"));
                default -> {
                    // Directories, FIFOs and sockets carry metadata only.
                }
            }
            if (!options.skipXattrs()) {
                List<Xattr> xattrs = new ArrayList<>(xattrReader.read(absolute, file, type, options.userXattrsOnly()));
                xattrs.sort(null);
                inode.xattrs().addAll(xattrs);
            }
            return inode;
        }

        private void regular(Inode inode, Path file, byte[] absolute, byte[] relative, long size) throws IOException {
            inode.size(size);
            if (size == 0) {
                return;
            }
            if (size <= options.inlineThreshold()) {
                inode.content(readSmall(file, (int) size));
                return;
            }
            switch (options.payloadMode()) {
                case RELATIVE_PATH -> inode.payload(relative);
                case ABSOLUTE_PATH -> inode.payload(absolute);
                default -> {
                    // DIGEST_PATH is set once the digest is known; NONE stores no payload.
                }
            }
            if (options.storesDigests() || options.digestStore() != null) {
                jobs.add(new ContentJob(inode, file));
            }
        }

        /** Hashes (and stores) every pending regular file on the configured threads. */
        private void finishContent() throws IOException {
            List<ParallelIo.IoTask<FsVerityDigest>> tasks = new ArrayList<>(jobs.size());
            for (ContentJob job : jobs) {
                tasks.add(() -> options.digestStore() != null ? options.digestStore().put(job.file()) : hash(job.file()));
            }
            List<FsVerityDigest> digests = ParallelIo.runAll(tasks, options.threads(), "composefs-scan");
            for (int i = 0; i < jobs.size(); i++) {
                Inode inode = jobs.get(i).inode();
                FsVerityDigest digest = digests.get(i);
                inode.digest(digest);
                if (options.payloadMode() == PayloadMode.DIGEST_PATH) {
                    inode.payload(digest.objectPath().getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }

    /** The fs-verity digest of a file, hashed on the calling thread: the pool parallelises across files. */
    private static FsVerityDigest hash(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return FsVerityHasher.digest(ch, file.toString(), PARAMS, Runnable::run, 1);
        }
    }

    /** The whole content of a file of {@code size} bytes, checking that it still has that size. */
    private static byte[] readSmall(Path file, int size) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] content = in.readNBytes(size);
            if (content.length != size || in.read() >= 0) {
                throw new IOException(file + ": size changed while being read (stat said " + size + " bytes)");
            }
            return content;
        }
    }

    private static byte[] join(byte[] parent, byte[] name) {
        boolean slash = parent.length == 0 || parent[parent.length - 1] != '/';
        byte[] out = new byte[parent.length + (slash ? 1 : 0) + name.length];
        System.arraycopy(parent, 0, out, 0, parent.length);
        if (slash) {
            out[parent.length] = '/';
        }
        System.arraycopy(name, 0, out, out.length - name.length, name.length);
        return out;
    }

    private static Timespec timespec(FileTime t) {
        Instant i = t.toInstant();
        return new Timespec(i.getEpochSecond(), i.getNano());
    }

    /**
     * The kernel's 32-bit {@code new_encode_dev} form of a device number, which composefs stores, from
     * glibc's 64-bit {@code dev_t}; the two agree for majors below 4096 and minors below 2^20.
     */
    static long linuxDeviceNumber(long glibcDev) {
        long major = ((glibcDev >>> 8) & 0xfffL) | ((glibcDev >>> 32) & 0xfffff000L);
        long minor = (glibcDev & 0xffL) | ((glibcDev >>> 12) & 0xffffff00L);
        return ((minor & 0xffL) | (major << 8) | ((minor & ~0xffL) << 12)) & 0xffffffffL;
    }
}
