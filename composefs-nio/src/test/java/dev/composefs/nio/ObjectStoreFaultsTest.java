package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of the object store (issue 6): objects that are directories, fifos, sockets, devices or
 * escaping symlinks; a fifo swapped in between the regular-file check and the open; base directories
 * that are missing, not directories, unreadable, or on another provider; objects changing under the
 * reader. Each gives an {@link IOException} naming the file, the object and the base directories, and
 * never a hang (every operation runs under a generous guard that fails the test instead of blocking).
 */
class ObjectStoreFaultsTest {
    private static final byte[] DATA = "seven b".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final ExecutorService guard = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-test-guard");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void tearDown() {
        ObjectOpener.beforeOpen = p -> p;
        guard.shutdownNow();
    }

    /** Runs {@code task}, failing the test if it has not returned within a minute (a hang). */
    private <T> T guarded(String what, Callable<T> task) throws Exception {
        Future<T> f = guard.submit(task);
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new AssertionError(what + " blocked", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        }
    }

    /** An image whose files (name to backing path) each claim {@link #DATA}'s size, without digests. */
    private Path image(Map<String, String> files) throws IOException {
        Inode root = new Inode(0040755);
        for (Map.Entry<String, String> f : files.entrySet()) {
            root.addChild(Name.of(f.getKey()), new Inode(0100644).size(DATA.length)
                    .payload(f.getValue().getBytes(StandardCharsets.UTF_8)));
        }
        Path image = dir.resolve("faults.cfs");
        DescriptorWriter.write(new Tree(root), image);
        return image;
    }

    private Path store() throws IOException {
        Path objects = Files.createDirectories(dir.resolve("store/ab"));
        Files.write(objects.resolve("good"), DATA);
        return objects.getParent();
    }

    /**
     * A store others may write to, as a swap needs: in one only this user and root can change, the
     * open runs on the caller's thread ({@link TrustedDirectories}).
     */
    private Path untrustedStore() throws IOException {
        Path store = store();
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setPosixFilePermissions(store.resolve("ab"), PosixFilePermissions.fromString("rwxrwxrwx"));
        return store;
    }

    private static void assertNames(IOException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "the error should name " + part + ": " + e.getMessage());
        }
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void plantedObjectsThatAreNotRegularFilesFailAtOnce() throws Exception {
        Path store = store();
        Files.createDirectories(store.resolve("ab/dir"));
        Files.write(dir.resolve("outside"), DATA);
        Files.createSymbolicLink(store.resolve("ab/escape"), dir.resolve("outside"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("dir", "a directory");
        if (run("mkfifo", store.resolve("ab/fifo").toString())) {
            expected.put("fifo", "a fifo");
        }
        if (run("mknod", store.resolve("ab/chr").toString(), "c", "1", "3")) {
            expected.put("chr", "a character device");
        }
        if (run("mknod", store.resolve("ab/blk").toString(), "b", "7", "0")) {
            expected.put("blk", "a block device");
        }
        ServerSocketChannel socket = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        socket.bind(UnixDomainSocketAddress.of(store.resolve("ab/sock")));
        expected.put("sock", "a socket");
        Map<String, String> files = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            files.put(name, "ab/" + name);
        }
        files.put("escape", "ab/escape");
        files.put("good", "ab/good");
        try (socket; FileSystem fs = FileSystems.newFileSystem(image(files), Map.of("basedir", store))) {
            for (Map.Entry<String, String> e : expected.entrySet()) {
                FileSystemException ex = assertThrows(FileSystemException.class,
                        () -> guarded(e.getKey(), () -> Files.readAllBytes(fs.getPath("/" + e.getKey()))));
                assertNames(ex, "/" + e.getKey(), "ab/" + e.getKey(), store.toString(), "not a regular file", e.getValue());
            }
            AccessDeniedException ex = assertThrows(AccessDeniedException.class,
                    () -> guarded("escape", () -> Files.readAllBytes(fs.getPath("/escape"))));
            assertNames(ex, "/escape", "ab/escape", store.toString(), "outside");
            assertArrayEquals(DATA, guarded("good", () -> Files.readAllBytes(fs.getPath("/good"))));
        }
        Assumptions.assumeTrue(expected.containsKey("fifo") && expected.containsKey("chr"), "mkfifo or mknod not available");
    }

    @Test
    void aFifoSwappedInAfterTheCheckDoesNotBlock() throws Exception {
        Path store = untrustedStore();
        Path object = store.resolve("ab/good");
        Path fifo = dir.resolve("fifo");
        Assumptions.assumeTrue(run("mkfifo", fifo.toString()), "mkfifo not available");
        Path aside = dir.resolve("aside");
        ObjectOpener.beforeOpen = p -> move(fifo, p, aside);
        try (FileSystem fs = FileSystems.newFileSystem(image(Map.of("f", "ab/good")), Map.of("basedir", store))) {
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> guarded("swapped fifo", () -> Files.readAllBytes(fs.getPath("/f"))));
            assertNames(e, "/f", "ab/good", store.toString(), "changed while it was opened");
            // The worker blocked opening the fifo was released by the failing caller.
            awaitNoBlockedOpener();
            ObjectOpener.beforeOpen = p -> p;
            Files.move(aside, object, StandardCopyOption.REPLACE_EXISTING);
            assertArrayEquals(DATA, guarded("restored", () -> Files.readAllBytes(fs.getPath("/f"))));
        }
    }

    @Test
    void aRegularFileSwappedInAfterTheCheckIsRefused() throws Exception {
        for (boolean trusted : new boolean[] {false, true}) {
            Path store = store();
            Path other = Files.write(dir.resolve("other"), DATA);
            ObjectOpener.beforeOpen = p -> move(other, p, null);
            try (ObjectOpener opener = new ObjectOpener(10_000, d -> trusted)) {
                FileSystemException e = assertThrows(FileSystemException.class, () -> guarded("swapped file",
                        () -> opener.open("/f", store.resolve("ab/good"), "backing object ab/good")));
                assertNames(e, "/f", "ab/good", "changed while it was opened");
            }
            ObjectOpener.beforeOpen = p -> p;
            Files.delete(store.resolve("ab/good"));
        }
    }

    /** The open of an object in a trusted directory runs on the caller's thread, one elsewhere on a worker. */
    @Test
    void objectsInTrustedDirectoriesAreOpenedByTheCaller() throws Exception {
        Path object = store().resolve("ab/good");
        for (boolean trusted : new boolean[] {true, false}) {
            try (ObjectOpener opener = new ObjectOpener(10_000, d -> trusted && d.equals(object.getParent()))) {
                long before = ObjectOpener.WORKER_OPENS.get();
                try (SeekableByteChannel ch = guarded("open", () -> opener.open("/f", object, "backing object ab/good"))) {
                    assertEquals(DATA.length, ch.size());
                }
                assertEquals(trusted ? 0 : 1, ObjectOpener.WORKER_OPENS.get() - before);
                // Removed between the check and the open: the same error either way.
                ObjectOpener.beforeOpen = p -> p.resolveSibling("gone");
                NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> guarded("removed",
                        () -> opener.open("/f", object, "backing object ab/good")));
                assertNames(e, "/f", "ab/good", "cannot be opened", "removed after it was checked");
                ObjectOpener.beforeOpen = p -> p;
            }
        }
    }

    /**
     * The worst case: the worker blocks opening a fifo while the object's path shows the checked file
     * (a fifo swapped in and the file swapped back, staged here by redirecting the worker to the fifo).
     * The caller waits out the bound and fails; the worker, which cannot be released through the path,
     * stays parked until someone opens the fifo.
     */
    @Test
    void anOpenBlockedBehindAnUnchangedPathTimesOut() throws Exception {
        Path store = store();
        Path object = store.resolve("ab/good");
        Path fifo = dir.resolve("fifo");
        Assumptions.assumeTrue(run("mkfifo", fifo.toString()), "mkfifo not available");
        ObjectOpener.beforeOpen = p -> fifo;
        try (ObjectOpener opener = new ObjectOpener(500, d -> false)) {
            FileSystemException e = assertThrows(FileSystemException.class,
                    () -> guarded("blocked open", () -> opener.open("/f", object, "backing object ab/good")));
            assertNames(e, "/f", "ab/good", "could not be opened within 500 ms");
            assertEquals(1, blockedOpeners().size(), "the worker stays parked on the fifo");
            // Release the parked worker by hand, as a writer of that fifo would.
            FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE).close();
            awaitNoBlockedOpener();
            ObjectOpener.beforeOpen = p -> p;
            try (SeekableByteChannel ch = guarded("open", () -> opener.open("/f", object, "backing object ab/good"))) {
                assertEquals(DATA.length, ch.size());
            }
        }
    }

    /**
     * Moves {@code from} to {@code to}, first moving what is at {@code to} to {@code aside} (if given);
     * returns {@code to}.
     */
    private static Path move(Path from, Path to, Path aside) {
        try {
            if (aside != null) {
                Files.move(to, aside);
            }
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            return to;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Thread> blockedOpeners() {
        List<Thread> blocked = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> t : Thread.getAllStackTraces().entrySet()) {
            if (t.getKey().getName().startsWith("cfs-object-open-")) {
                for (StackTraceElement frame : t.getValue()) {
                    if (frame.getMethodName().equals("open0")) {
                        blocked.add(t.getKey());
                        break;
                    }
                }
            }
        }
        return blocked;
    }

    private static void awaitNoBlockedOpener() throws InterruptedException {
        for (int i = 0; i < 6000 && !blockedOpeners().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertEquals(List.of(), blockedOpeners(), "a worker is still blocked opening an object");
    }

    @Test
    void basedirsThatAreMissingOrNotDirectoriesAreNamed() throws Exception {
        Path store = store();
        Path image = image(Map.of("f", "ab/good"));
        Path missing = dir.resolve("missing");
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", missing))) {
            MissingObjectException e = assertThrows(MissingObjectException.class, () -> Files.readAllBytes(fs.getPath("/f")));
            assertNames(e, "/f", "ab/good", missing.toString());
        }
        Path aFile = Files.write(dir.resolve("a-file"), DATA);
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", List.of(aFile, store)))) {
            FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/f")));
            assertNames(e, "/f", "ab/good", aFile.toString(), "is not a directory");
        }
        // A missing base directory is skipped; the next one serves the object.
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", List.of(missing, store)))) {
            assertArrayEquals(DATA, Files.readAllBytes(fs.getPath("/f")));
        }
    }

    /** chmod cannot stop root, so this runs only where permissions bind (e.g. CI as a normal user). */
    @Test
    void anUnreadableBasedirIsNamed() throws Exception {
        Path store = store();
        Path image = image(Map.of("f", "ab/good"));
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("---------"));
        try {
            Assumptions.assumeFalse(Files.isReadable(store) || Files.isExecutable(store),
                    "permissions do not bind this user (root)");
            try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", store))) {
                AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> Files.readAllBytes(fs.getPath("/f")));
                assertNames(e, "/f", "ab/good", store.toString());
            }
        } finally {
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void basedirsOnOtherProviders() throws Exception {
        SampleImage sample = SampleImage.create(dir);
        String rel = sample.osReleaseDigest.objectPath();
        // A zip of the store, read through the JDK's zip file system.
        Path zip = dir.resolve("objects.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            try (var files = Files.walk(sample.objects)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = sample.objects.relativize(p).toString();
                    if (name.isEmpty()) {
                        continue;
                    }
                    if (Files.isDirectory(p)) {
                        out.putNextEntry(new ZipEntry(name + "/"));
                    } else {
                        out.putNextEntry(new ZipEntry(name));
                        out.write(Files.readAllBytes(p));
                    }
                    out.closeEntry();
                }
            }
            out.putNextEntry(new ZipEntry("zz/dir/"));
            out.closeEntry();
        }
        try (FileSystem zipfs = FileSystems.newFileSystem(zip)) {
            Path base = zipfs.getPath("/");
            try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", base, "verity", "require"))) {
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
            }
            try (FileSystem fs = FileSystems.newFileSystem(image(Map.of("d", "zz/dir")), Map.of("basedir", base))) {
                FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/d")));
                assertNames(e, "/d", "zz/dir", "not a regular file", "a directory");
            }
        }
        // Another composefs image (its content inline) as the store: an in-memory provider of its own.
        Inode root = new Inode(0040755);
        Inode sub = new Inode(0040755);
        root.addChild(Name.of(rel.substring(0, 2)), sub);
        sub.addChild(Name.of(rel.substring(3)), new Inode(0100644).size(SampleImage.OS_RELEASE.length)
                .content(SampleImage.OS_RELEASE));
        Inode zz = new Inode(0040755);
        root.addChild(Name.of("zz"), zz);
        zz.addChild(Name.of("fifo"), new Inode(0010644));
        zz.addChild(Name.of("escape"), SampleImage.link("/" + rel));
        Path storeImage = dir.resolve("store.cfs");
        new ErofsWriter().write(new Tree(root), storeImage);
        try (FileSystem storeFs = FileSystems.newFileSystem(storeImage, Map.of())) {
            Path base = storeFs.getPath("/zz");
            try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", storeFs.getPath("/"), "verity", "require"))) {
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
            }
            try (FileSystem fs = FileSystems.newFileSystem(image(Map.of("p", "fifo", "e", "escape")), Map.of("basedir", base))) {
                FileSystemException e = assertThrows(FileSystemException.class,
                        () -> guarded("fifo in an image", () -> Files.readAllBytes(fs.getPath("/p"))));
                assertNames(e, "/p", "fifo", "not a regular file", "a fifo");
                AccessDeniedException a = assertThrows(AccessDeniedException.class, () -> Files.readAllBytes(fs.getPath("/e")));
                assertNames(a, "/e", "escape", "outside");
            }
        }
    }

    @Test
    void objectsChangingUnderTheReader() throws Exception {
        Path store = store();
        Path object = store.resolve("ab/good");
        try (FileSystem fs = FileSystems.newFileSystem(image(Map.of("f", "ab/good")), Map.of("basedir", store))) {
            try (SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/f"))) {
                ByteBuffer two = ByteBuffer.allocate(2);
                assertEquals(2, ch.read(two));
                try (FileChannel w = FileChannel.open(object, StandardOpenOption.WRITE)) {
                    w.truncate(3);
                }
                ByteBuffer rest = ByteBuffer.allocate(DATA.length);
                assertEquals(1, ch.read(rest));
                FileSystemException e = assertThrows(FileSystemException.class, () -> ch.read(rest));
                assertNames(e, "/f", "truncated while open");
            }
            FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/f")));
            assertNames(e, "/f", "ab/good", store.toString(), "3 bytes");
            // The whole store removed after the file system was opened.
            Files.delete(object);
            Files.delete(store.resolve("ab"));
            Files.delete(store);
            MissingObjectException m = assertThrows(MissingObjectException.class, () -> Files.readAllBytes(fs.getPath("/f")));
            assertNames(m, "/f", "ab/good", store.toString());
        }
        awaitNoBlockedOpener();
    }
}
