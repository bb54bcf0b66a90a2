package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CfsFileSystemTest {
    @TempDir
    Path dir;
    SampleImage sample;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    @Test
    void walksTheWholeTree() throws IOException {
        List<String> all;
        try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
            all = s.map(Path::toString).sorted().collect(Collectors.toList());
        }
        assertTrue(all.containsAll(List.of("/", "/etc", "/etc/os-release", "/usr/bin/sh", "/bin", "/dev/null", "/fifo")), all.toString());
        assertEquals(21, all.size(), all.toString());
    }

    @Test
    void readsAttributes() throws IOException {
        PosixFileAttributes a = Files.readAttributes(fs.getPath("/usr/bin/sh"), PosixFileAttributes.class);
        assertTrue(a.isRegularFile());
        assertEquals(SampleImage.SH.length, a.size());
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(a.permissions()));
        assertEquals("1000", a.owner().getName());
        assertEquals("100", a.group().getName());
        Map<String, Object> unix = Files.readAttributes(fs.getPath("/dev/null"), "unix:*");
        assertEquals(0020666, unix.get("mode"));
        assertEquals((long) ((1 << 8) | 3), unix.get("rdev"));
        assertEquals(true, unix.get("isOther"));
        assertTrue(Files.isSymbolicLink(fs.getPath("/bin")));
        assertTrue(Files.isDirectory(fs.getPath("/bin")));
        assertFalse(Files.isDirectory(fs.getPath("/bin"), LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSameFile(fs.getPath("/hardlink"), fs.getPath("/etc/os-release")));
        assertEquals("test", new String((byte[]) Files.getAttribute(fs.getPath("/etc"), "user:origin")));
    }

    @Test
    void readsContentVerified() throws IOException {
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/abs/os-release")));
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/up/os-release")));
        assertArrayEquals(SampleImage.SH, Files.readAllBytes(fs.getPath("/bin/sh")));
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(fs.getPath("/etc/passwd")));
        assertArrayEquals(new byte[0], Files.readAllBytes(fs.getPath("/etc/empty")));
    }

    @Test
    void symlinkLoopsEnd() {
        FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath("/loop1")));
        assertTrue(e.getMessage().contains("Too many levels of symbolic links"), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> Files.readAllBytes(fs.getPath("/dangling")));
    }
}
