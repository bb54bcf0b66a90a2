package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link DirectoryStream} rules of STYLE.md 2.5, on the sample image. */
class DirectoryStreamTest {
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    private static List<String> list(DirectoryStream<Path> s) {
        List<String> names = new ArrayList<>();
        s.forEach(p -> names.add(p.toString()));
        return names;
    }

    private List<String> list(String dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath(dir))) {
            return list(s);
        }
    }

    @Test
    void entriesAreDirResolveNameWithoutDots() throws IOException {
        assertEquals(List.of("/etc/empty", "/etc/os-release", "/etc/passwd"), list("/etc"));
        assertEquals(List.of("etc/empty", "etc/os-release", "etc/passwd"), list("etc"));
        assertEquals(List.of("usr/../etc/empty", "usr/../etc/os-release", "usr/../etc/passwd"), list("usr/../etc"));
        assertEquals(List.of("./etc/empty", "./etc/os-release", "./etc/passwd"), list("./etc"));
        assertEquals(List.of("/abs/empty", "/abs/os-release", "/abs/passwd"), list("/abs"));
        List<String> root = list("");
        assertTrue(root.contains("etc") && root.contains("usr") && !root.contains(".") && !root.contains(".."), root.toString());
        assertEquals(list("/").size(), root.size());
        assertEquals(List.of("/usr/bin/../bin/sh"), list("/usr/bin/..//bin/"));
    }

    @Test
    void entriesWorkAsPaths() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("bin"))) {
            Path sh = s.iterator().next();
            assertEquals(fs.getPath("bin/sh"), sh);
            assertEquals(fs.getPath("bin/sh").hashCode(), sh.hashCode());
            assertTrue(Files.isRegularFile(sh));
            assertEquals(fs.getPath("/usr/bin/sh"), sh.toRealPath());
            assertEquals(SampleImage.SH.length, Files.size(sh));
        }
        // Entries that are symlinks are reported as such and followed on demand.
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/"), p -> p.getFileName().toString().equals("abs"))) {
            Path abs = s.iterator().next();
            assertTrue(Files.isSymbolicLink(abs));
            assertTrue(Files.isDirectory(abs));
            assertEquals(fs.getPath("/etc"), abs.toRealPath());
        }
    }

    @Test
    void notADirectory() {
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(fs.getPath("/etc/passwd")));
        assertThrows(NotDirectoryException.class, () -> Files.newDirectoryStream(fs.getPath("/dev/null")));
        assertThrows(NoSuchFileException.class, () -> Files.newDirectoryStream(fs.getPath("/missing")));
        assertThrows(NoSuchFileException.class, () -> Files.newDirectoryStream(fs.getPath("/dangling")));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> Files.newDirectoryStream(fs.getPath("/loop1")));
        assertTrue(loop.getMessage().contains("symbolic links"), loop.getMessage());
        assertThrows(FileSystemException.class, () -> Files.newDirectoryStream(fs.getPath("/etc/passwd/x")));
    }

    @Test
    void oneIterator() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"))) {
            s.iterator();
            assertThrows(IllegalStateException.class, s::iterator);
        }
    }

    @Test
    void iteratorAfterClose() throws IOException {
        DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"));
        s.close();
        s.close();
        assertThrows(ClosedDirectoryStreamException.class, s::iterator);
    }

    @Test
    void iteratorObtainedBeforeCloseIsExhausted() throws IOException {
        DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"));
        Iterator<Path> it = s.iterator();
        assertEquals(fs.getPath("/etc/empty"), it.next());
        s.close();
        assertFalse(it.hasNext());
        assertThrows(NoSuchElementException.class, it::next);
    }

    @Test
    void iteratorObtainedBeforeFileSystemCloseIsExhausted() throws IOException {
        DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/"));
        Iterator<Path> it = s.iterator();
        it.next();
        fs.close();
        assertFalse(it.hasNext());
        assertThrows(ClosedDirectoryStreamException.class, s::iterator);
    }

    @Test
    void removeIsUnsupported() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"))) {
            Iterator<Path> it = s.iterator();
            it.next();
            assertThrows(UnsupportedOperationException.class, it::remove);
        }
    }

    @Test
    void filters() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"), p -> !p.endsWith("empty"))) {
            assertEquals(List.of("/etc/os-release", "/etc/passwd"), list(s));
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"), p -> false)) {
            assertEquals(List.of(), list(s));
        }
        List<Path> offered = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"), p -> offered.add(p) && false)) {
            list(s);
        }
        assertEquals(3, offered.size());
    }

    @Test
    void aThrowingFilterEndsIterationWithDirectoryIteratorException() throws IOException {
        IOException cause = new IOException("filter failed");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"), p -> {
            if (p.endsWith("os-release")) {
                throw cause;
            }
            return true;
        })) {
            Iterator<Path> it = s.iterator();
            assertEquals(fs.getPath("/etc/empty"), it.next());
            DirectoryIteratorException e = assertThrows(DirectoryIteratorException.class, it::hasNext);
            assertSame(cause, e.getCause());
        }
    }

    @Test
    void globStreams() throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"), "*s*")) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertEquals(Set.of("os-release", "passwd"), names);
        names.clear();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/"), "{etc,usr,l?op[0-9]}")) {
            s.forEach(p -> names.add(p.toString()));
        }
        assertEquals(Set.of("/etc", "/usr", "/loop1", "/loop2"), names);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/"), "*")) {
            assertEquals(list("/").size(), list(s).size());
        }
        assertThrows(PatternSyntaxException.class, () -> Files.newDirectoryStream(fs.getPath("/"), "{a"));
    }

    @Test
    void fileSystemCloseClosesStreams() throws IOException {
        DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/etc"));
        fs.close();
        assertThrows(ClosedDirectoryStreamException.class, s::iterator);
    }

    @Test
    void walkAndListAgree() throws IOException {
        try (var w = Files.walk(fs.getPath("/etc"))) {
            assertEquals(List.of("/etc", "/etc/empty", "/etc/os-release", "/etc/passwd"), w.map(Path::toString).sorted().toList());
        }
        try (var l = Files.list(fs.getPath("/dev"))) {
            assertEquals(List.of("/dev/null", "/dev/sda"), l.map(Path::toString).sorted().toList());
        }
        try (var f = Files.find(fs.getPath("/"), 10, (p, a) -> a.isOther())) {
            assertEquals(List.of("/dev/null", "/dev/sda", "/fifo", "/sock"), f.map(Path::toString).sorted().toList());
        }
    }
}
