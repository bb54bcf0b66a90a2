package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessMode;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After {@link FileSystem#close()} (in the manner of jimfs's {@code JimfsFileSystemCloseTest}): every
 * provider, file system and {@link Files} entry point that touches the image throws
 * {@link ClosedFileSystemException}, mutators included; purely syntactic path operations keep working;
 * what the file system handed out is closed; the registry forgets it.
 */
class ClosedFileSystemTest {
    @TempDir
    Path dir;
    SampleImage sample;
    FileSystem fs;
    FileSystemProvider provider;

    @BeforeEach
    void openAndClose() throws IOException {
        sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(URI.create("cfs:" + sample.image.toUri()), Map.of("basedir", sample.objects));
        provider = fs.provider();
    }

    private interface Op {
        void run() throws Exception;
    }

    /** Every entry point, by name; each must throw {@link ClosedFileSystemException} once closed. */
    private Map<String, Op> entryPoints(Path file, Path dirPath, Path link) throws IOException {
        Path other = fs.getPath("/etc/other");
        Path onDisk = Files.writeString(dir.resolve("disk.txt"), "x");
        BasicFileAttributeView basicView = Files.getFileAttributeView(file, BasicFileAttributeView.class);
        PosixFileAttributeView posixView = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        UserDefinedFileAttributeView userView = Files.getFileAttributeView(dirPath, UserDefinedFileAttributeView.class);
        XattrFileAttributeView xattrView = Files.getFileAttributeView(dirPath, XattrFileAttributeView.class);
        ComposefsFileAttributeView cfsView = Files.getFileAttributeView(file, ComposefsFileAttributeView.class);
        FileStore store = Files.getFileStore(file);
        Map<String, Op> ops = new LinkedHashMap<>();
        // FileSystem
        ops.put("getRootDirectories", () -> fs.getRootDirectories());
        ops.put("getFileStores", () -> fs.getFileStores());
        // Files: reading
        ops.put("exists-throws", () -> provider.checkAccess(file));
        ops.put("checkAccess(READ)", () -> provider.checkAccess(file, AccessMode.READ));
        ops.put("checkAccess(EXECUTE)", () -> provider.checkAccess(file, AccessMode.EXECUTE));
        ops.put("readAllBytes", () -> Files.readAllBytes(file));
        ops.put("newInputStream", () -> Files.newInputStream(file));
        ops.put("newByteChannel", () -> Files.newByteChannel(file));
        ops.put("newFileChannel", () -> provider.newFileChannel(file, Set.of()));
        ops.put("newDirectoryStream", () -> Files.newDirectoryStream(dirPath));
        ops.put("newDirectoryStream(glob)", () -> Files.newDirectoryStream(dirPath, "*"));
        ops.put("readAttributes(Class)", () -> Files.readAttributes(file, BasicFileAttributes.class));
        ops.put("readAttributes(Posix)", () -> Files.readAttributes(file, PosixFileAttributes.class));
        ops.put("readAttributes(String)", () -> Files.readAttributes(file, "unix:*"));
        ops.put("readAttributes(user)", () -> Files.readAttributes(dirPath, "user:*"));
        ops.put("readAttributes(xattr)", () -> Files.readAttributes(dirPath, "xattr:*"));
        ops.put("readAttributes(composefs)", () -> Files.readAttributes(file, "composefs:*"));
        ops.put("getAttribute", () -> Files.getAttribute(file, "size"));
        ops.put("size", () -> Files.size(file));
        ops.put("getLastModifiedTime", () -> Files.getLastModifiedTime(file));
        ops.put("getOwner", () -> Files.getOwner(file));
        ops.put("getPosixFilePermissions", () -> Files.getPosixFilePermissions(file));
        ops.put("basicView.readAttributes", basicView::readAttributes);
        ops.put("posixView.readAttributes", posixView::readAttributes);
        ops.put("posixView.getOwner", posixView::getOwner);
        ops.put("userView.list", userView::list);
        ops.put("userView.size", () -> userView.size("origin"));
        ops.put("userView.read", () -> userView.read("origin", ByteBuffer.allocate(10)));
        ops.put("xattrView.list", xattrView::list);
        ops.put("xattrView.read", () -> xattrView.read("user.origin"));
        ops.put("composefsView.readAttributes", cfsView::readAttributes);
        ops.put("readSymbolicLink", () -> Files.readSymbolicLink(link));
        ops.put("toRealPath", () -> file.toRealPath());
        ops.put("toRealPath(NOFOLLOW)", () -> link.toRealPath(LinkOption.NOFOLLOW_LINKS));
        ops.put("isSameFile", () -> Files.isSameFile(file, fs.getPath("/hardlink")));
        ops.put("getFileStore", () -> Files.getFileStore(file));
        ops.put("store.getTotalSpace", store::getTotalSpace);
        ops.put("store.getUsableSpace", store::getUsableSpace);
        ops.put("store.getUnallocatedSpace", store::getUnallocatedSpace);
        ops.put("store.getAttribute", () -> store.getAttribute("totalSpace"));
        ops.put("copy-out", () -> Files.copy(file, dir.resolve("copied")));
        ops.put("walk", () -> Files.walk(dirPath).close());
        ops.put("list", () -> Files.list(dirPath).close());
        ops.put("lines", () -> Files.lines(file).close());
        // Files: mutators (closed wins over read-only)
        ops.put("createFile", () -> Files.createFile(other));
        ops.put("createDirectory", () -> Files.createDirectory(other));
        ops.put("provider.createDirectory", () -> provider.createDirectory(other));
        ops.put("createSymbolicLink", () -> Files.createSymbolicLink(other, file));
        ops.put("createLink", () -> Files.createLink(other, file));
        ops.put("delete", () -> Files.delete(file));
        ops.put("deleteIfExists", () -> Files.deleteIfExists(file));
        ops.put("copy", () -> Files.copy(file, other));
        ops.put("copy-in", () -> Files.copy(onDisk, other));
        ops.put("move", () -> Files.move(file, other, StandardCopyOption.ATOMIC_MOVE));
        ops.put("newOutputStream", () -> Files.newOutputStream(file));
        ops.put("write", () -> Files.write(file, new byte[1]));
        ops.put("setAttribute", () -> Files.setAttribute(file, "lastModifiedTime", FileTime.fromMillis(0)));
        ops.put("setLastModifiedTime", () -> Files.setLastModifiedTime(file, FileTime.fromMillis(0)));
        ops.put("setPosixFilePermissions", () -> Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------")));
        ops.put("basicView.setTimes", () -> basicView.setTimes(null, null, null));
        ops.put("posixView.setOwner", () -> posixView.setOwner(posixView.getOwner()));
        ops.put("userView.write", () -> userView.write("x", ByteBuffer.allocate(1)));
        ops.put("userView.delete", () -> userView.delete("origin"));
        return ops;
    }

    @Test
    void everyEntryPointThrowsOnceClosed() throws Exception {
        Path file = fs.getPath("/etc/os-release");
        Path dirPath = fs.getPath("/etc");
        Path link = fs.getPath("/abs");
        Map<String, Op> ops = entryPoints(file, dirPath, link);
        fs.close();
        assertFalse(fs.isOpen());
        fs.close();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Op> e : ops.entrySet()) {
            try {
                e.getValue().run();
                wrong.add(e.getKey() + ": no exception");
            } catch (ClosedFileSystemException expected) {
                // as it should be
            } catch (Exception | Error other) {
                wrong.add(e.getKey() + ": " + other);
            }
        }
        assertEquals(List.of(), wrong);
        // Files.exists and friends swallow IOExceptions only: the unchecked exception comes through.
        assertThrows(ClosedFileSystemException.class, () -> Files.exists(file));
        assertThrows(ClosedFileSystemException.class, () -> Files.isDirectory(dirPath));
    }

    @Test
    void syntacticOperationsKeepWorking() throws IOException {
        Path p = fs.getPath("/usr/bin/../lib/x");
        fs.close();
        assertEquals("/usr/lib/x", p.normalize().toString());
        assertEquals(fs.getPath("/usr/lib/x"), p.normalize());
        assertEquals("x", p.getFileName().toString());
        assertEquals(fs.getPath("/usr/bin/.."), p.getParent().getParent());
        assertEquals(fs.getPath("a/b"), fs.getPath("a").resolve("b"));
        assertEquals(fs.getPath("../b"), fs.getPath("/a").relativize(fs.getPath("/b")));
        assertTrue(p.startsWith("/usr"));
        assertEquals(5, p.getNameCount());
        assertTrue(p.toUri().toString().startsWith("cfs:"));
        assertEquals(p, p.toAbsolutePath());
        assertTrue(fs.getPathMatcher("glob:/usr/**").matches(p));
        assertEquals("/", fs.getSeparator());
        assertTrue(fs.isReadOnly());
        assertEquals(Set.of("basic", "posix", "owner", "unix", "user", "xattr", "composefs"), fs.supportedFileAttributeViews());
        assertEquals(provider, fs.provider());
        assertFalse(Files.isHidden(p));
        assertTrue(Files.isHidden(fs.getPath(".hidden")));
    }

    @Test
    void handedOutResourcesAreClosed() throws IOException {
        SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/etc/os-release"));
        DirectoryStream<Path> ds = Files.newDirectoryStream(fs.getPath("/etc"));
        var walk = Files.walk(fs.getPath("/"));
        fs.close();
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedDirectoryStreamException.class, ds::iterator);
        // The walk's open directory stream was closed: it ends (or fails with the closed file system), never reads on.
        List<Path> seen = new ArrayList<>();
        try {
            walk.forEach(seen::add);
        } catch (ClosedFileSystemException acceptable) {
            // the walker touched the file system again
        }
        assertTrue(seen.size() <= 1, seen.toString());
        ch.close();
        ds.close();
        walk.close();
    }

    @Test
    void aResourceFailingToCloseStillClosesAndUnregisters() throws IOException {
        URI uri = URI.create("cfs:" + sample.image.toUri());
        IOException failure = new IOException("cannot close");
        ((CfsFileSystem) fs).state().register(() -> {
            throw failure;
        });
        SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/etc/os-release"));
        IOException thrown = assertThrows(IOException.class, fs::close);
        assertEquals(failure, thrown);
        assertFalse(fs.isOpen());
        assertFalse(ch.isOpen());
        assertThrows(ClosedFileSystemException.class, () -> Files.size(fs.getPath("/etc/os-release")));
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
        FileSystems.newFileSystem(uri, Map.of()).close();
        fs.close();
    }

    /** Channels opened while the file system closes are closed too, whoever wins the race. */
    @Test
    void resourcesOpenedDuringCloseEndClosed() throws Exception {
        List<SeekableByteChannel> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                started.countDown();
                try {
                    while (true) {
                        opened.add(Files.newByteChannel(fs.getPath(opened.size() % 2 == 0 ? "/etc/os-release" : "/etc/empty")));
                    }
                } catch (ClosedFileSystemException | IOException expected) {
                    // the file system closed under us
                }
            });
            threads.add(th);
            th.start();
        }
        started.await();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (opened.size() < 8 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        fs.close();
        for (Thread th : threads) {
            th.join(30_000);
            assertFalse(th.isAlive());
        }
        assertTrue(opened.size() > 0);
        for (SeekableByteChannel ch : opened) {
            assertFalse(ch.isOpen());
        }
    }

    @Test
    void theRegistryForgetsIt() throws IOException {
        URI uri = URI.create("cfs:" + sample.image.toUri());
        Path entry = fs.getPath("/etc");
        fs.close();
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
        assertThrows(FileSystemNotFoundException.class, () -> Path.of(entry.toUri()));
        FileSystems.newFileSystem(uri, Map.of()).close();
    }
}
