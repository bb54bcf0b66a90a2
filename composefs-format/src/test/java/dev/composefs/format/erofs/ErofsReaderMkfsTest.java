package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Images made by an independent EROFS writer, {@code mkfs.erofs} of erofs-utils, from a directory on
 * disk, read in the raw view and compared entry by entry with the directory: types, permissions,
 * owners, link counts, sizes, mtimes with nanoseconds, content, symlink targets, xattrs (inline and
 * shared), hard links and directory listings (several blocks, inline tails, 254-byte names), with flat
 * and chunk-based files (holes included).
 */
class ErofsReaderMkfsTest {
    @TempDir
    Path tmp;

    /** Expected xattrs by source inode number, as set by {@link #setXattr}. */
    private final Map<Object, Map<String, byte[]>> xattrs = new HashMap<>();

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
        assertEquals(0, p.exitValue(), command + ": " + new String(out, StandardCharsets.UTF_8));
    }

    static boolean isRoot() throws IOException {
        return "root".equals(System.getProperty("user.name"))
                || Integer.valueOf(0).equals(Files.getAttribute(Path.of(System.getProperty("java.io.tmpdir")), "unix:uid"))
                && Files.isWritable(Path.of("/root"));
    }

    private void setXattr(Path file, String name, byte[] value) throws IOException {
        if (name.startsWith("user.")) {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
            view.write(name.substring("user.".length()), ByteBuffer.wrap(value));
        } else {
            try {
                run(List.of("python3", "-c", "import os,sys; os.setxattr(sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3]))",
                        file.toString(), name, java.util.HexFormat.of().formatHex(value)));
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        xattrs.computeIfAbsent(Files.getAttribute(file, "unix:ino"), k -> new TreeMap<>()).put(name, value);
    }

    /** Whether the file system under {@code dir} stores {@code user.*} xattrs. */
    private static boolean userXattrsSupported(Path dir) {
        try {
            Path probe = Files.createTempFile(dir, "xattr", ".probe");
            try {
                Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class).write("probe", ByteBuffer.wrap(new byte[1]));
                return true;
            } finally {
                Files.delete(probe);
            }
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private Path populate() throws IOException, InterruptedException {
        assumeTrue(userXattrsSupported(tmp), "the temporary directory's file system does not store user xattrs");
        Path src = Files.createDirectory(tmp.resolve("src"));
        Random random = new Random(42);
        for (int size : new int[] {0, 1, 100, 2048, 2049, 4095, 4096, 4097, 8191, 10000, 70000}) {
            byte[] b = new byte[size];
            random.nextBytes(b);
            Files.write(src.resolve("file-" + size), b);
        }
        Files.writeString(src.resolve("hello"), "hello, world\n");
        Files.createLink(src.resolve("hello-link"), src.resolve("hello"));
        Files.createSymbolicLink(src.resolve("symlink"), Path.of("hello"));
        Files.createSymbolicLink(src.resolve("dangling"), Path.of("/no/such/target"));
        Files.createSymbolicLink(src.resolve("long-symlink"), Path.of("x".repeat(3000)));
        // 254 bytes: mkfs.erofs 1.5 fails on a 255-byte name (our writer round trips cover 255).
        Files.writeString(src.resolve("n".repeat(254)), "long name");
        Files.writeString(src.resolve("caf\u00e9 \u00fc"), "utf-8 name");
        Path many = Files.createDirectories(src.resolve("dir/many"));
        for (int i = 0; i < 400; i++) {
            Files.writeString(many.resolve(String.format("entry-%04d-%s", i, "p".repeat(i % 50))), Integer.toString(i));
        }
        Files.createDirectories(src.resolve("dir/a/b/c/empty"));
        Files.writeString(src.resolve("dir/a/b/c/deep"), "deep");
        setXattr(src.resolve("hello"), "user.greeting", "hi".getBytes(StandardCharsets.US_ASCII));
        setXattr(src.resolve("hello"), "user.empty", new byte[0]);
        byte[] big = new byte[600];
        random.nextBytes(big);
        setXattr(src.resolve("file-100"), "user.big", big);
        // The same xattr on many files: mkfs.erofs stores it once in the shared table.
        for (String f : List.of("file-0", "file-1", "file-2048", "file-4096", "dir", "dir/a")) {
            setXattr(src.resolve(f), "user.shared", "common value".getBytes(StandardCharsets.US_ASCII));
        }
        run(List.of("mkfifo", src.resolve("fifo").toString()));
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(src.resolve("sparse").toFile(), "rw")) {
            sparse.setLength(3 << 20);
            sparse.seek(1 << 20);
            sparse.write(big);
        }
        return src;
    }

    private Path mkfs(Path src, String name, String... options) throws IOException, InterruptedException {
        Path image = tmp.resolve(name);
        List<String> command = new ArrayList<>(List.of("mkfs.erofs", "--quiet"));
        command.addAll(List.of(options));
        command.add(image.toString());
        command.add(src.toString());
        run(command);
        return image;
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "-Enoinline_data", "--chunksize=4096", "--chunksize=65536"})
    void rawViewMatchesTheSourceDirectory(String options) throws Exception {
        assumeTrue(onPath("mkfs.erofs"), "mkfs.erofs (erofs-utils) not installed");
        Path src = populate();
        Path image = options.equals("default") ? mkfs(src, "img") : mkfs(src, "img", options);
        ImageData data = ImageData.map(image);
        ErofsVolume volume = ErofsVolume.read(data);
        long sparse = 0;
        try (Image img = Image.open(image, ImageView.RAW)) {
            sparse = img.lookup(img.rootInode(), Name.of("sparse"));
        }
        ErofsInode sparseInode = ErofsInode.read(data, volume, sparse);
        if (options.startsWith("--chunksize")) {
            assertEquals(ErofsLayout.EROFS_INODE_CHUNK_BASED, sparseInode.dataLayout());
            assertTrue((volume.featureIncompat() & ErofsLayout.EROFS_FEATURE_INCOMPAT_CHUNKED_FILE) != 0);
            assertTrue(Files.size(image) < 3 << 20, "holes are not stored");
        } else {
            assertNotEquals(ErofsLayout.EROFS_INODE_CHUNK_BASED, sparseInode.dataLayout());
        }
        try (Image img = Image.open(image, ImageView.RAW)) {
            assertEquals(ImageFormat.EROFS, img.format());
            assertEquals(-1, ((ErofsReader) img).composefsVersion());
            compare(img, src);
            assertEquals(ImageWalk.walk(img), img.inodeCount(), "the root and every entry but the one hard link");
        }
    }

    @Test
    void devicesAndTrustedXattrsMatchWhenRoot() throws Exception {
        assumeTrue(onPath("mkfs.erofs"), "mkfs.erofs (erofs-utils) not installed");
        assumeTrue(isRoot(), "creating devices and trusted.* xattrs needs root");
        assumeTrue(onPath("python3") && onPath("mknod"), "python3 (to set trusted.* xattrs) or mknod not installed");
        Path src = Files.createDirectory(tmp.resolve("src"));
        run(List.of("mknod", src.resolve("chr").toString(), "c", "1", "3"));
        run(List.of("mknod", src.resolve("blk").toString(), "b", "8", "1"));
        Files.writeString(src.resolve("f"), "x");
        setXattr(src.resolve("f"), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII));
        setXattr(src.resolve("f"), "trusted.something", new byte[] {1, 2, 3});
        setXattr(src.resolve("f"), "security.test", "label".getBytes(StandardCharsets.US_ASCII));
        Path image = mkfs(src, "img");
        try (Image img = Image.open(image, ImageView.RAW)) {
            compare(img, src);
            Stat chr = img.stat(img.lookup(img.rootInode(), Name.of("chr")));
            assertEquals(FileType.CHAR_DEVICE, chr.type());
            assertEquals(Files.getAttribute(src.resolve("chr"), "unix:rdev"), chr.rdev());
        }
    }

    private void compare(Image img, Path src) throws IOException {
        Map<Long, Long> sourceInodes = new HashMap<>();
        Map<Long, Long> imageInodes = new HashMap<>();
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                long ino = resolve(img, src.relativize(p));
                Stat st = img.stat(ino);
                String what = p.toString();
                @SuppressWarnings("unchecked")
                Map<String, Object> unix = Files.readAttributes(p, "unix:mode,uid,gid,nlink,size,ino,lastModifiedTime",
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                assertEquals(((Integer) unix.get("mode")).intValue() & 0177777, st.mode(), what);
                assertEquals(((Integer) unix.get("uid")).longValue(), st.uid(), what);
                assertEquals(((Integer) unix.get("gid")).longValue(), st.gid(), what);
                assertEquals(((Integer) unix.get("nlink")).longValue(), st.nlink(), what);
                FileTime mtime = (FileTime) unix.get("lastModifiedTime");
                assertEquals(mtime.to(TimeUnit.NANOSECONDS),
                        st.mtime().seconds() * 1_000_000_000L + st.mtime().nanos(), what + " mtime");
                Long sourceIno = (Long) unix.get("ino");
                assertEquals(ino, sourceInodes.computeIfAbsent(sourceIno, k -> ino), what + ": hard links share one inode");
                assertEquals(sourceIno, imageInodes.computeIfAbsent(ino, k -> sourceIno), what + ": distinct files, distinct inodes");
                Map<String, byte[]> expected = xattrs.getOrDefault(sourceIno, Map.of());
                Map<String, byte[]> actual = new TreeMap<>();
                for (Xattr x : img.xattrs(ino)) {
                    actual.put(x.name().toString(), x.value());
                }
                assertEquals(expected.keySet(), actual.keySet(), what + " xattrs");
                for (String k : expected.keySet()) {
                    assertArrayEquals(expected.get(k), actual.get(k), what + " xattr " + k);
                }
                switch (st.type()) {
                    case REGULAR -> {
                        assertEquals(((Long) unix.get("size")).longValue(), st.size(), what);
                        Content c = img.content(ino);
                        byte[] bytes = Files.readAllBytes(p);
                        assertEquals(bytes.length == 0 ? Content.EMPTY : new Content.Inline(bytes), c, what);
                    }
                    case SYMLINK -> assertArrayEquals(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8),
                            img.readSymlink(ino), what);
                    case DIRECTORY -> assertEquals(listing(p), listing(img, ino), what);
                    default -> assertEquals(0, st.size(), what);
                }
            }
        }
    }

    private static long resolve(Image img, Path relative) throws IOException {
        long ino = img.rootInode();
        for (Path part : relative) {
            if (part.toString().isEmpty()) {
                continue;
            }
            ino = img.lookup(ino, Name.of(part.toString()));
            assertNotEquals(-1, ino, "lookup of " + relative);
        }
        return ino;
    }

    private static List<Name> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> Name.of(p.getFileName().toString())).sorted().toList();
        }
    }

    private static List<Name> listing(Image img, long dir) throws IOException {
        List<Name> names = new ArrayList<>();
        DirectoryCursor c = img.openDirectory(dir);
        while (c.next()) {
            names.add(c.name());
        }
        return names;
    }

    @Test
    void plainErofsImagesOpenThroughImageOpen() throws Exception {
        assumeTrue(onPath("mkfs.erofs"), "mkfs.erofs (erofs-utils) not installed");
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.writeString(src.resolve("a"), "a");
        Path image = mkfs(src, "img");
        try (Image img = Image.open(image)) {
            assertEquals(new Content.Inline("a".getBytes(StandardCharsets.US_ASCII)),
                    img.content(img.lookup(img.rootInode(), Name.of("a"))));
        }
        byte[] bytes = Files.readAllBytes(image);
        try (ErofsReader r = ErofsReader.open(ImageData.wrap(bytes, image), ImageView.RAW)) {
            assertEquals(ImageView.RAW, r.view());
        }
    }
}
