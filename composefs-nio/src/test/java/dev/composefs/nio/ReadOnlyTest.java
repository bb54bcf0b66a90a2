package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.spi.FileSystemProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only state (STYLE.md 2.7): every mutator throws {@link ReadOnlyFileSystemException},
 * whether its target exists or not, and leaves the image as it was; {@code checkAccess(WRITE)} is an
 * {@link AccessDeniedException}; {@code EXECUTE} follows the mode bits.
 */
class ReadOnlyTest {
    @TempDir
    Path dir;
    SampleImage sample;
    FileSystem fs;
    FileSystemProvider provider;

    @BeforeEach
    void open() throws IOException {
        sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
        provider = fs.provider();
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    private interface Op {
        void run() throws Exception;
    }

    @Test
    void everyMutatorIsRefused() throws Exception {
        byte[] before = Files.readAllBytes(sample.image);
        Path onDisk = Files.writeString(dir.resolve("disk.txt"), "x");
        List<String> wrong = new ArrayList<>();
        for (String target : List.of("/etc/os-release", "/etc", "/new", "/abs", "/dangling", "/missing/dir/x")) {
            Path p = fs.getPath(target);
            Path file = fs.getPath("/etc/os-release");
            Map<String, Op> ops = new LinkedHashMap<>();
            ops.put("createFile", () -> Files.createFile(p));
            ops.put("createDirectory", () -> Files.createDirectory(p));
            ops.put("createDirectories", () -> Files.createDirectories(fs.getPath("/new/a/b")));
            ops.put("createTempFile", () -> Files.createTempFile(fs.getPath("/etc"), "x", "y"));
            ops.put("createSymbolicLink", () -> Files.createSymbolicLink(p, file));
            ops.put("createLink", () -> Files.createLink(p, file));
            ops.put("delete", () -> Files.delete(p));
            ops.put("deleteIfExists", () -> Files.deleteIfExists(p));
            ops.put("copy", () -> Files.copy(file, p, StandardCopyOption.REPLACE_EXISTING));
            ops.put("copy-in", () -> Files.copy(onDisk, p, StandardCopyOption.REPLACE_EXISTING));
            ops.put("move", () -> Files.move(p, fs.getPath("/moved")));
            ops.put("move-in", () -> Files.move(fs.getPath("/etc/passwd"), p, StandardCopyOption.REPLACE_EXISTING));
            ops.put("newOutputStream", () -> Files.newOutputStream(p));
            ops.put("write", () -> Files.write(p, new byte[1]));
            ops.put("writeString", () -> Files.writeString(p, "x", StandardOpenOption.APPEND));
            ops.put("newByteChannel(WRITE)", () -> Files.newByteChannel(p, StandardOpenOption.WRITE));
            ops.put("newByteChannel(CREATE_NEW,WRITE)", () -> Files.newByteChannel(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            ops.put("newFileChannel(APPEND)", () -> provider.newFileChannel(p, Set.of(StandardOpenOption.APPEND)));
            ops.put("newByteChannel(attrs)", () -> Files.newByteChannel(p, Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
            ops.put("setAttribute", () -> Files.setAttribute(p, "lastModifiedTime", FileTime.fromMillis(0)));
            ops.put("setAttribute(unix)", () -> Files.setAttribute(p, "unix:mode", 0));
            ops.put("setLastModifiedTime", () -> Files.setLastModifiedTime(p, FileTime.fromMillis(0)));
            ops.put("setPosixFilePermissions", () -> Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------")));
            ops.put("setOwner", () -> Files.setOwner(p, fs.getUserPrincipalLookupService().lookupPrincipalByName("0")));
            ops.put("basicView.setTimes", () -> Files.getFileAttributeView(p, BasicFileAttributeView.class).setTimes(null, null, null));
            ops.put("posixView.setGroup", () -> Files.getFileAttributeView(p, PosixFileAttributeView.class)
                    .setGroup(fs.getUserPrincipalLookupService().lookupPrincipalByGroupName("0")));
            ops.put("posixView.setPermissions", () -> Files.getFileAttributeView(p, PosixFileAttributeView.class).setPermissions(Set.of()));
            ops.put("userView.write", () -> Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).write("a", ByteBuffer.allocate(1)));
            ops.put("userView.delete", () -> Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).delete("origin"));
            for (Map.Entry<String, Op> e : ops.entrySet()) {
                try {
                    e.getValue().run();
                    wrong.add(target + " " + e.getKey() + ": no exception");
                } catch (ReadOnlyFileSystemException expected) {
                    // as it should be
                } catch (Exception other) {
                    wrong.add(target + " " + e.getKey() + ": " + other);
                }
            }
        }
        assertEquals(List.of(), wrong);
        assertArrayEquals(before, Files.readAllBytes(sample.image));
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
    }

    @Test
    void copyingOutWorks() throws IOException {
        Path out = dir.resolve("out");
        Files.copy(fs.getPath("/etc/os-release"), out);
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(out));
    }

    @Test
    void readOnlyEverywhere() throws IOException {
        assertTrue(fs.isReadOnly());
        for (FileStore store : fs.getFileStores()) {
            assertTrue(store.isReadOnly());
            assertEquals("composefs", store.type());
            assertEquals(Files.size(sample.image), store.getTotalSpace());
            assertEquals(0, store.getUsableSpace());
            assertThrows(UnsupportedOperationException.class, () -> store.getAttribute("nonsense"));
        }
        assertTrue(Files.getFileStore(fs.getPath("/etc")).isReadOnly());
        assertThrows(NoSuchFileException.class, () -> Files.getFileStore(fs.getPath("/missing")));
    }

    @Test
    void checkAccess() throws IOException {
        Path sh = fs.getPath("/usr/bin/sh");
        Path passwd = fs.getPath("/etc/passwd");
        provider.checkAccess(sh);
        provider.checkAccess(sh, AccessMode.READ, AccessMode.EXECUTE);
        provider.checkAccess(passwd, AccessMode.READ);
        assertThrows(AccessDeniedException.class, () -> provider.checkAccess(passwd, AccessMode.EXECUTE));
        assertThrows(AccessDeniedException.class, () -> provider.checkAccess(sh, AccessMode.WRITE));
        assertThrows(AccessDeniedException.class, () -> provider.checkAccess(fs.getPath("/etc"), AccessMode.READ, AccessMode.WRITE));
        assertThrows(NoSuchFileException.class, () -> provider.checkAccess(fs.getPath("/missing"), AccessMode.WRITE));
        assertThrows(NoSuchFileException.class, () -> provider.checkAccess(fs.getPath("/dangling")));
        assertTrue(Files.isExecutable(sh));
        assertTrue(Files.isExecutable(fs.getPath("/bin/sh")));
        assertTrue(Files.isExecutable(fs.getPath("/etc")));
        assertFalse(Files.isExecutable(passwd));
        assertFalse(Files.isWritable(sh));
        assertTrue(Files.isReadable(passwd));
        assertFalse(Files.isReadable(fs.getPath("/missing")));
        provider.checkAccess(fs.getPath("/abs"), AccessMode.EXECUTE);
        assertTrue(Files.exists(fs.getPath("/bin"), LinkOption.NOFOLLOW_LINKS));
    }
}
