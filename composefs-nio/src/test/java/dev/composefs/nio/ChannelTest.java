package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channel and stream semantics (STYLE.md 2.6), for every kind of content: a verified backing object,
 * an unverified one, and an empty file. The JDK's {@link FileChannel} over a file with the same bytes
 * is the oracle for positions, sizes and end of file.
 */
class ChannelTest {
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
    }

    /** An EROFS image holding /inline: content stored in the image itself, read from memory. */
    FileSystem erofs;
    static final byte[] INLINE = new byte[700];

    static {
        for (int i = 0; i < INLINE.length; i++) {
            INLINE[i] = (byte) (i * 13 + 1);
        }
    }

    @BeforeEach
    void openErofs() throws IOException {
        dev.composefs.format.tree.Inode root = new dev.composefs.format.tree.Inode(0040755);
        root.addChild(dev.composefs.format.tree.Name.of("inline"),
                new dev.composefs.format.tree.Inode(0100644).size(INLINE.length).content(INLINE));
        Path image = dir.resolve("inline.erofs");
        new dev.composefs.format.erofs.ErofsWriter().write(new dev.composefs.format.tree.Tree(root), image);
        erofs = FileSystems.newFileSystem(image, Map.of());
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
        erofs.close();
    }

    /** The path of {@code file} in the file system that has it. */
    private Path path(String file) {
        return file.equals("/inline") ? erofs.getPath(file) : fs.getPath(file);
    }

    private static byte[] content(String path) {
        return switch (path) {
            case "/inline" -> INLINE;
            case "/etc/os-release" -> SampleImage.OS_RELEASE;
            case "/etc/passwd" -> SampleImage.PASSWD;
            case "/usr/bin/sh" -> SampleImage.SH;
            case "/etc/empty" -> new byte[0];
            default -> throw new AssertionError(path);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/os-release", "/etc/passwd", "/usr/bin/sh", "/etc/empty", "/inline"})
    void positionsAndSizesAsTheJdks(String file) throws IOException {
        byte[] bytes = content(file);
        Path onDisk = Files.write(dir.resolve("oracle"), bytes);
        try (SeekableByteChannel expected = Files.newByteChannel(onDisk);
             SeekableByteChannel actual = Files.newByteChannel(path(file))) {
            assertEquals(expected.size(), actual.size());
            assertEquals(expected.position(), actual.position());
            for (long pos : new long[] {0, 1, 7, bytes.length - 1L, bytes.length, bytes.length + 1L, 4096, 4097, 1L << 40}) {
                if (pos < 0) {
                    continue;
                }
                expected.position(pos);
                actual.position(pos);
                assertEquals(expected.position(), actual.position(), "position " + pos);
                ByteBuffer e = ByteBuffer.allocate(5000);
                ByteBuffer a = ByteBuffer.allocate(5000);
                int en = expected.read(e);
                int an = readFully(actual, a, en);
                assertEquals(en, an, "read at " + pos);
                assertArrayEquals(Arrays.copyOf(e.array(), Math.max(en, 0)), Arrays.copyOf(a.array(), Math.max(an, 0)));
                assertEquals(expected.position(), actual.position());
            }
            assertThrows(IllegalArgumentException.class, () -> actual.position(-1));
            assertEquals(0, actual.position(0).read(ByteBuffer.allocate(0)));
        }
    }

    /** Reads until {@code want} bytes or end of file: a channel may return fewer bytes than asked. */
    private static int readFully(SeekableByteChannel ch, ByteBuffer dst, int want) throws IOException {
        if (want <= 0) {
            return ch.read(dst);
        }
        int total = 0;
        while (total < want) {
            int n = ch.read(dst);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/os-release", "/etc/passwd", "/usr/bin/sh", "/etc/empty", "/inline"})
    void everyWayOfReadingGivesTheContent(String file) throws IOException {
        byte[] bytes = content(file);
        Path p = path(file);
        assertArrayEquals(bytes, Files.readAllBytes(p));
        try (InputStream in = Files.newInputStream(p)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        try (InputStream in = Files.newInputStream(p, StandardOpenOption.READ, StandardOpenOption.READ)) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer all = ByteBuffer.allocate(bytes.length);
            while (all.hasRemaining() && ch.read(all, all.position()) > 0) {
                continue;
            }
            assertArrayEquals(bytes, all.array());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long n = ch.transferTo(0, Long.MAX_VALUE, Channels.newChannel(out));
            assertEquals(bytes.length, n);
            assertArrayEquals(bytes, out.toByteArray());
            out.reset();
            assertEquals(0, ch.transferTo(bytes.length + 10L, 5, Channels.newChannel(out)));
            if (bytes.length > 3) {
                out.reset();
                assertEquals(2, ch.transferTo(1, 2, Channels.newChannel(out)));
                assertArrayEquals(Arrays.copyOfRange(bytes, 1, 3), out.toByteArray());
            }
            MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length);
            byte[] mapped = new byte[bytes.length];
            map.get(mapped);
            assertArrayEquals(bytes, mapped);
            assertThrows(NonWritableChannelException.class, () -> ch.map(FileChannel.MapMode.READ_WRITE, 0, 1));
            // Scattering reads fill buffer after buffer.
            ByteBuffer[] parts = {ByteBuffer.allocate(3), ByteBuffer.allocate(0), ByteBuffer.allocate(bytes.length)};
            ch.position(0);
            long got = 0;
            while (got < bytes.length) {
                long r = ch.read(parts);
                if (r < 0) {
                    break;
                }
                got += r;
            }
            assertEquals(bytes.length, got);
            assertEquals(bytes.length == 0 ? -1 : -1, ch.read(parts));
        }
        try (SeekableByteChannel ch = fs.provider().newByteChannel(p, Set.of())) {
            assertEquals(bytes.length, ch.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/etc/os-release", "/etc/passwd", "/usr/bin/sh", "/inline"})
    void mappingBeyondTheEndFailsAsTheJdks(String file) throws IOException {
        Path onDisk = Files.write(dir.resolve("oracle"), content(file));
        for (String verity : List.of("none", "if-present")) {
            Path image = file.equals("/inline") ? dir.resolve("inline.erofs") : dir.resolve("sample.cfs");
            try (FileSystem vfs = FileSystems.newFileSystem(image, Map.of("basedir", dir.resolve("objects"), "verity", verity));
                 FileChannel expected = FileChannel.open(onDisk);
                 FileChannel actual = FileChannel.open(vfs.getPath(file))) {
                long size = expected.size();
                assertEquals(failure(() -> expected.map(FileChannel.MapMode.READ_ONLY, 0, size + 10)),
                        failure(() -> actual.map(FileChannel.MapMode.READ_ONLY, 0, size + 10)), file + " " + verity);
                assertEquals(failure(() -> expected.map(FileChannel.MapMode.READ_ONLY, size, 0)),
                        failure(() -> actual.map(FileChannel.MapMode.READ_ONLY, size, 0)), file + " " + verity);
                MappedByteBuffer tail = actual.map(FileChannel.MapMode.READ_ONLY, 1, size - 1);
                assertEquals(size - 1, tail.remaining());
                assertEquals(content(file)[1], tail.get(0));
            }
        }
    }

    private interface Io {
        Object run() throws IOException;
    }

    private static String failure(Io op) {
        try {
            op.run();
            return "ok";
        } catch (IOException | RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void concurrentReadersAllSeeTheContent() throws Exception {
        java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            List<java.util.concurrent.Future<byte[]>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String file = i % 2 == 0 ? "/usr/bin/sh" : "/etc/os-release";
                results.add(ex.submit(() -> Files.readAllBytes(fs.getPath(file))));
            }
            for (int i = 0; i < results.size(); i++) {
                assertArrayEquals(content(i % 2 == 0 ? "/usr/bin/sh" : "/etc/os-release"), results.get(i).get());
            }
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void filesConveniencesAcrossProviders() throws IOException {
        Path passwd = fs.getPath("/etc/passwd");
        Path onDisk = Files.write(dir.resolve("passwd"), SampleImage.PASSWD);
        assertEquals(-1, Files.mismatch(passwd, onDisk));
        assertEquals(-1, Files.mismatch(onDisk, passwd));
        assertEquals(0, Files.mismatch(fs.getPath("/etc/os-release"), onDisk));
        assertEquals(new String(SampleImage.PASSWD, java.nio.charset.StandardCharsets.UTF_8), Files.readString(passwd));
        try (var lines = Files.lines(passwd)) {
            assertEquals(List.of("root:x:0:0:root:/root:/bin/sh"), lines.toList());
        }
        try (var r = Files.newBufferedReader(fs.getPath("/etc/os-release"))) {
            assertEquals("NAME=composefs-java", r.readLine());
        }
        // Moving a disk file into the image fails before the source is touched.
        assertThrows(ReadOnlyFileSystemException.class, () -> Files.move(onDisk, fs.getPath("/etc/moved")));
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(onDisk));
        Path copied = Files.copy(fs.getPath("/usr/bin/sh"), dir.resolve("sh"));
        assertArrayEquals(SampleImage.SH, Files.readAllBytes(copied));
        try (InputStream in = Files.newInputStream(fs.getPath("/usr/bin/sh"))) {
            assertEquals(100, in.skip(100));
            assertEquals(SampleImage.SH.length - 100, in.available());
            assertEquals(SampleImage.SH[100], (byte) in.read());
            assertEquals(SampleImage.SH.length - 101, in.transferTo(java.io.OutputStream.nullOutputStream()));
            assertEquals(-1, in.read());
        }
    }

    @Test
    void writesAreRefused() throws IOException {
        Path p = fs.getPath("/etc/os-release");
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
            assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1), 0));
            assertThrows(NonWritableChannelException.class, () -> ch.write(new ByteBuffer[] {ByteBuffer.allocate(1)}));
            assertThrows(NonWritableChannelException.class, () -> ch.truncate(0));
            assertThrows(NonWritableChannelException.class, () -> ch.transferFrom(Channels.newChannel(InputStream.nullInputStream()), 0, 1));
            assertThrows(NonWritableChannelException.class, () -> ch.lock());
            ch.lock(0, Long.MAX_VALUE, true).release();
        }
        for (OpenOption o : List.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            assertThrows(ReadOnlyFileSystemException.class, () -> Files.newByteChannel(p, o));
            assertThrows(UnsupportedOperationException.class, () -> Files.newInputStream(p, o));
        }
        assertThrows(ReadOnlyFileSystemException.class, () -> Files.newOutputStream(p));
        assertThrows(ReadOnlyFileSystemException.class, () -> Files.newByteChannel(p, StandardOpenOption.DELETE_ON_CLOSE));
        assertThrows(UnsupportedOperationException.class, () -> Files.newByteChannel(p, new OpenOption() { }));
        Set<OpenOption> withNull = new java.util.HashSet<>();
        withNull.add(null);
        assertThrows(NullPointerException.class, () -> Files.newByteChannel(p, withNull));
        assertThrows(NullPointerException.class, () -> Files.newInputStream(p, (OpenOption) null));
        // Initial attributes only matter when creating: ignored on a read-only open, unknown ones refused (as the JDK).
        try (SeekableByteChannel ch = Files.newByteChannel(p, Set.of(StandardOpenOption.READ),
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")))) {
            assertEquals(SampleImage.OS_RELEASE.length, ch.size());
        }
        java.nio.file.attribute.FileAttribute<Boolean> dos = new java.nio.file.attribute.FileAttribute<>() {
            @Override
            public String name() {
                return "dos:hidden";
            }

            @Override
            public Boolean value() {
                return true;
            }
        };
        assertThrows(UnsupportedOperationException.class, () -> Files.newByteChannel(p, Set.of(StandardOpenOption.READ), dos));
        // Options that only matter for writing are ignored on a read-only open, as the JDK ignores them.
        try (SeekableByteChannel ch = Files.newByteChannel(p, StandardOpenOption.READ, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SPARSE)) {
            assertEquals(SampleImage.OS_RELEASE.length, ch.size());
        }
    }

    @Test
    void closedChannels() throws IOException {
        FileChannel ch = FileChannel.open(fs.getPath("/usr/bin/sh"));
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1), 0));
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, ch::position);
        assertThrows(ClosedChannelException.class, () -> ch.position(0));
        assertThrows(ClosedChannelException.class, () -> ch.transferTo(0, 1, Channels.newChannel(new ByteArrayOutputStream())));
        assertThrows(ClosedChannelException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 1));
        InputStream in = Files.newInputStream(fs.getPath("/etc/passwd"));
        in.close();
        assertThrows(IOException.class, in::read);
    }

    @Test
    void whatCannotBeOpened() {
        FileSystemException d = assertThrows(FileSystemException.class, () -> Files.newByteChannel(fs.getPath("/etc")));
        assertTrue(d.getMessage().contains("Is a directory"), d.getMessage());
        assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/dev/null")));
        assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/fifo")));
        assertThrows(NoSuchFileException.class, () -> Files.newInputStream(fs.getPath("/missing")));
        FileSystemException link = assertThrows(FileSystemException.class,
                () -> Files.newByteChannel(fs.getPath("/hardlink/x")));
        assertTrue(link.getMessage().contains("Not a directory"), link.getMessage());
        FileSystemException nofollow = assertThrows(FileSystemException.class,
                () -> Files.newByteChannel(fs.getPath("/abs"), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        assertTrue(nofollow.getMessage().contains("symbolic links"), nofollow.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/usr/bin/sh", "/etc/passwd", "/etc/empty", "/inline"})
    void anInterruptClosesOnlyTheInterruptedReadersChannel(String file) throws Exception {
        Path sh = path(file);
        byte[] expected = content(file);
        try (FileChannel mine = FileChannel.open(sh); FileChannel theirs = FileChannel.open(sh)) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread t = new Thread(() -> {
                Thread.currentThread().interrupt();
                try {
                    theirs.read(ByteBuffer.allocate(100), 0);
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.countDown();
                }
            });
            t.start();
            done.await();
            t.join();
            if (expected.length > 0) {
                assertTrue(failure.get() instanceof ClosedByInterruptException, String.valueOf(failure.get()));
                assertFalse(theirs.isOpen());
            }
            assertTrue(mine.isOpen());
            ByteBuffer b = ByteBuffer.allocate(expected.length);
            while (b.hasRemaining() && mine.read(b) > 0) {
                continue;
            }
            assertArrayEquals(expected, b.array());
            assertArrayEquals(expected, Files.readAllBytes(sh));
        }
    }

    @Test
    void concurrentReadersSeeTheirOwnPositions() throws Exception {
        Path sh = fs.getPath("/usr/bin/sh");
        try (SeekableByteChannel a = Files.newByteChannel(sh); SeekableByteChannel b = Files.newByteChannel(sh)) {
            a.position(100);
            ByteBuffer ba = ByteBuffer.allocate(10);
            ByteBuffer bb = ByteBuffer.allocate(10);
            a.read(ba);
            b.read(bb);
            assertArrayEquals(Arrays.copyOfRange(SampleImage.SH, 100, 110), ba.array());
            assertArrayEquals(Arrays.copyOfRange(SampleImage.SH, 0, 10), bb.array());
            assertEquals(110, a.position());
            assertEquals(10, b.position());
        }
    }

    @Test
    void fileSystemCloseClosesChannelsAndStreams() throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/usr/bin/sh"));
        SeekableByteChannel inline = Files.newByteChannel(fs.getPath("/etc/empty"));
        InputStream in = Files.newInputStream(fs.getPath("/etc/passwd"));
        fs.close();
        assertFalse(ch.isOpen());
        assertFalse(inline.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(IOException.class, in::read);
    }
}
