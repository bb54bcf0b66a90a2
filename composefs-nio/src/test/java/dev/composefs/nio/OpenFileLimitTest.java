package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code maxOpenFiles} bound: past it "Too many open files", and closing a channel frees its slot. */
class OpenFileLimitTest {
    @TempDir
    Path dir;

    private static FileSystem open(SampleImage sample, Object max) throws IOException {
        Map<String, Object> env = new HashMap<>();
        env.put("basedir", sample.objects);
        env.put(CfsOptions.MAX_OPEN_FILES, max);
        return FileSystems.newFileSystem(sample.image, env);
    }

    @Test
    void pastTheBoundOpensAreRefusedUntilAChannelCloses() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        for (Object max : List.of("3", 3, 3L)) {
            try (FileSystem fs = open(sample, max)) {
                CfsFileSystem cfs = (CfsFileSystem) fs;
                List<Closeable> held = new ArrayList<>();
                held.add(Files.newByteChannel(fs.getPath("/etc/os-release")));
                held.add(Files.newInputStream(fs.getPath("/etc/empty")));
                held.add(fs.provider().newFileChannel(fs.getPath("/usr/bin/sh"), java.util.Set.of()));
                assertEquals(3, cfs.openFileCount());
                for (String p : List.of("/etc/passwd", "/etc/empty", "/usr/bin/sh")) {
                    FileSystemException e = assertThrows(FileSystemException.class, () -> Files.newByteChannel(fs.getPath(p)), p);
                    assertEquals(p, e.getFile());
                    assertTrue(e.getMessage().contains("Too many open files"), e.getMessage());
                }
                held.remove(0).close();
                assertEquals(2, cfs.openFileCount());
                assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(fs.getPath("/etc/passwd")));
                for (Closeable c : held) {
                    c.close();
                }
                assertEquals(0, cfs.openFileCount());
            }
        }
    }

    @Test
    void failedOpensDoNotKeepSlots() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        Files.delete(sample.objects.resolve(sample.osReleaseDigest.objectPath()));
        try (FileSystem fs = open(sample, "1")) {
            for (int i = 0; i < 5; i++) {
                assertThrows(MissingObjectException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
                assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/dev/null")));
            }
            assertEquals(0, ((CfsFileSystem) fs).openFileCount());
            assertArrayEquals(SampleImage.SH, Files.readAllBytes(fs.getPath("/usr/bin/sh")));
        }
    }

    @Test
    void theDefaultBoundAndClosingTheFileSystem() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
        List<Closeable> held = new ArrayList<>();
        for (int i = 0; i < CfsOptions.DEFAULT_MAX_OPEN_FILES; i++) {
            held.add(Files.newByteChannel(fs.getPath(i % 2 == 0 ? "/etc/empty" : "/etc/passwd")));
        }
        FileSystemException e = assertThrows(FileSystemException.class, () -> Files.newByteChannel(fs.getPath("/etc/empty")));
        assertTrue(e.getMessage().contains("Too many open files"), e.getMessage());
        fs.close();
        assertEquals(0, ((CfsFileSystem) fs).openFileCount(), "closing the file system closes its channels");
    }

    @Test
    void invalidBoundsAreRefused() {
        for (Object bad : List.of("0", "-1", "x", "", 0, -5, 2.5, 1L << 40)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CfsOptions.parse(Map.of(CfsOptions.MAX_OPEN_FILES, bad)), String.valueOf(bad));
            assertTrue(e.getMessage().contains(CfsOptions.MAX_OPEN_FILES), e.getMessage());
        }
        assertEquals(CfsOptions.DEFAULT_MAX_OPEN_FILES, CfsOptions.parse(Map.of()).maxOpenFiles());
        assertEquals(7, CfsOptions.parse(Map.of(CfsOptions.MAX_OPEN_FILES, " 7 ")).maxOpenFiles());
    }
}
