package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.testing.EqualsTester;
import com.google.common.testing.NullPointerTester;
import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Path} contract beyond the syntax table: equality and ordering, null handling, the name
 * iterator, byte names that are not UTF-8, and {@code toUri}/{@code Path.of(URI)} round trips.
 */
class PathContractTest {
    @TempDir
    Path dir;
    SampleImage sample;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(URI.create("cfs:" + sample.image.toUri()), Map.of("basedir", sample.objects));
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    @Test
    void equalsAndHashCode() throws IOException {
        Path copy = dir.resolve("copy.cfs");
        Files.copy(sample.image, copy);
        try (FileSystem other = FileSystems.newFileSystem(copy, Map.of())) {
            new EqualsTester()
                    .addEqualityGroup(fs.getPath("a/b"), fs.getPath("a", "b"), fs.getPath("a//b/"), fs.getPath("", "a/b"))
                    .addEqualityGroup(fs.getPath("/a/b"), fs.getPath("/", "a", "b"))
                    .addEqualityGroup(fs.getPath("a/./b"))
                    .addEqualityGroup(fs.getPath(""))
                    .addEqualityGroup(fs.getPath("/"), fs.getPath("//"))
                    .addEqualityGroup(other.getPath("a/b"))
                    .addEqualityGroup(Path.of("a/b"))
                    .testEquals();
            assertFalse(fs.getPath("/a").startsWith(other.getPath("/a")));
            assertFalse(fs.getPath("/a").endsWith(other.getPath("a")));
            assertFalse(fs.getPath("/a").startsWith(Path.of("/a")));
            assertFalse(fs.getPath("/a").endsWith(Path.of("a")));
            assertThrows(ProviderMismatchException.class, () -> fs.getPath("/a").resolve(Path.of("b")));
            assertThrows(ProviderMismatchException.class, () -> fs.getPath("/a").resolveSibling(Path.of("b")));
            assertThrows(ProviderMismatchException.class, () -> fs.getPath("/a").relativize(Path.of("/a/b")));
            assertThrows(ProviderMismatchException.class, () -> fs.getPath("/a").relativize(other.getPath("/a/b")));
        }
    }

    @Test
    void compareToIsUnsignedByteOrder() {
        List<Path> sorted = List.of(fs.getPath(""), fs.getPath("/"), fs.getPath("/a"), fs.getPath("/a/b"),
                fs.getPath("/ab"), fs.getPath("/b"), fs.getPath("a"), fs.getPath("é"), fs.getPath("\uffff"));
        for (int i = 0; i < sorted.size(); i++) {
            for (int j = 0; j < sorted.size(); j++) {
                assertEquals(Integer.signum(Integer.compare(i, j)), Integer.signum(sorted.get(i).compareTo(sorted.get(j))),
                        sorted.get(i) + " vs " + sorted.get(j));
            }
        }
        assertThrows(ClassCastException.class, () -> fs.getPath("a").compareTo(Path.of("a")));
    }

    @Test
    void nullsAreRejected() throws IOException {
        NullPointerTester npt = new NullPointerTester()
                .setDefault(Path.class, fs.getPath("/etc"))
                .setDefault(String.class, "x")
                .setDefault(LinkOption[].class, new LinkOption[0])
                .setDefault(WatchService.class, FileSystems.getDefault().newWatchService());
        npt.testAllPublicInstanceMethods(fs.getPath("/etc/passwd"));
        npt.testAllPublicInstanceMethods(fs.getPath("a"));
        npt.testAllPublicInstanceMethods(fs.getPath(""));
        npt.testAllPublicInstanceMethods(fs);
        npt.testAllPublicInstanceMethods(Files.getFileStore(fs.getPath("/etc")));
        npt.testAllPublicInstanceMethods(fs.getUserPrincipalLookupService());
        Path etc = fs.getPath("/etc");
        java.nio.file.attribute.PosixFileAttributeView posix = Files.getFileAttributeView(etc, java.nio.file.attribute.PosixFileAttributeView.class);
        npt.setDefault(java.nio.file.attribute.FileTime.class, java.nio.file.attribute.FileTime.fromMillis(0))
                .setDefault(java.nio.file.attribute.UserPrincipal.class, posix.getOwner())
                .setDefault(java.nio.file.attribute.GroupPrincipal.class, posix.readAttributes().group());
        try {
            // setTimes takes nulls by its specification ("null: leave unchanged").
            npt.ignore(posix.getClass().getMethod("setTimes", java.nio.file.attribute.FileTime.class,
                    java.nio.file.attribute.FileTime.class, java.nio.file.attribute.FileTime.class));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
        npt.testAllPublicInstanceMethods(posix);
        npt.testAllPublicInstanceMethods(Files.getFileAttributeView(etc, java.nio.file.attribute.UserDefinedFileAttributeView.class));
        npt.testAllPublicInstanceMethods(Files.getFileAttributeView(etc, XattrFileAttributeView.class));
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(fs.getPath("/etc/os-release"))) {
            npt.ignore(java.nio.channels.FileChannel.class.getMethod("read", java.nio.ByteBuffer[].class))
                    .testAllPublicInstanceMethods(ch);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void iteratorIsReadOnly() {
        Path p = fs.getPath("/a/b/c");
        List<String> names = new ArrayList<>();
        for (Path n : p) {
            names.add(n.toString());
            assertFalse(n.isAbsolute());
            assertEquals(1, n.getNameCount());
        }
        assertEquals(List.of("a", "b", "c"), names);
        Iterator<Path> it = p.iterator();
        it.next();
        assertThrows(UnsupportedOperationException.class, it::remove);
        assertFalse(fs.getPath("/").iterator().hasNext());
        assertEquals(List.of(fs.getPath("")), toList(fs.getPath("")));
    }

    private static List<Path> toList(Path p) {
        List<Path> l = new ArrayList<>();
        p.forEach(l::add);
        return l;
    }

    @Test
    void toFileAndWatchingAreUnsupported() throws IOException {
        Path p = fs.getPath("/etc");
        assertThrows(UnsupportedOperationException.class, p::toFile);
        assertThrows(UnsupportedOperationException.class, fs::newWatchService);
        try (WatchService w = FileSystems.getDefault().newWatchService()) {
            assertThrows(ProviderMismatchException.class, () -> p.register(w, StandardWatchEventKinds.ENTRY_CREATE));
        }
    }

    @Test
    void binaryNamesSurviveListingResolveAndRead() throws IOException {
        Path found = null;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(fs.getPath("/"))) {
            for (Path p : s) {
                if (p.getFileName().toString().startsWith("odd")) {
                    found = p;
                }
            }
        }
        assertTrue(found != null);
        assertEquals("/odd\ufffd name", found.toString());
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(found));
        Path name = found.getFileName();
        Path again = fs.getPath("/").resolve(name);
        assertEquals(found, again);
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(again));
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(fs.getPath("/etc/..").resolve(name)));
        assertEquals(found, found.toRealPath());
        assertEquals(found, found.getParent().resolve(found.getFileName()));
        assertEquals(found, fs.getPath("/").relativize(found).toAbsolutePath());
        // The printed form loses the byte; parsing it back names another (missing) file, as on Linux.
        assertNotEquals(found, fs.getPath(found.toString()));
        assertFalse(Files.exists(fs.getPath(found.toString())));
        URI uri = found.toUri();
        assertTrue(uri.toString().endsWith("!/odd%FF%20name"), uri.toString());
        assertEquals(found, Path.of(uri));
        assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(Path.of(uri)));
    }

    @Test
    void uriRoundTrip() throws IOException {
        for (String s : List.of("/", "/etc", "/etc/os-release", "/a b/c%d/é/#?!", "/usr/bin/../bin/./sh")) {
            Path p = fs.getPath(s);
            URI uri = p.toUri();
            assertEquals("cfs", uri.getScheme());
            assertTrue(uri.isAbsolute() && uri.isOpaque(), uri.toString());
            assertEquals(p, Path.of(uri), uri.toString());
            assertEquals(p, fs.provider().getPath(uri));
        }
        Path relative = fs.getPath("etc/os-release");
        assertEquals(relative.toAbsolutePath(), Path.of(relative.toUri()));
        assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(Path.of(fs.getPath("/etc/os-release").toUri())));
    }

    @Test
    void uriOfAnUnregisteredFileSystemCannotComeBack() throws IOException {
        Path copy = dir.resolve("unregistered.cfs");
        Files.copy(sample.image, copy);
        URI uri;
        try (FileSystem other = FileSystems.newFileSystem(copy, Map.of())) {
            uri = other.getPath("/etc").toUri();
            assertThrows(FileSystemNotFoundException.class, () -> Path.of(uri));
        }
        assertThrows(FileSystemNotFoundException.class, () -> Path.of(uri));
    }

    @Test
    void malformedUris() {
        CfsFileSystemProvider provider = (CfsFileSystemProvider) fs.provider();
        String image = "cfs:" + sample.image.toUri();
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create(image)));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create(image + "!etc")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create(image + "!/a%00b")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create(image + "!/a%4")));
        assertThrows(IllegalArgumentException.class, () -> provider.getPath(URI.create("file:/etc")));
        assertEquals(fs.getPath("/etc"), provider.getPath(URI.create(image + "!/etc/")));
        assertEquals(fs.getPath("/etc/x"), provider.getPath(URI.create(image + "!//etc//x")));
    }
}
