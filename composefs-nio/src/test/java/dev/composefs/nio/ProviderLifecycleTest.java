package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.spi.FileSystemProvider;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider's life cycle (STYLE.md 2.1): registration by URI, unregistered file systems from a
 * {@code Path}, refusing files that are not images so other providers get their turn, and the
 * {@code env} keys.
 */
class ProviderLifecycleTest {
    @TempDir
    Path dir;
    SampleImage sample;
    URI uri;

    @BeforeEach
    void create() throws IOException {
        sample = SampleImage.create(dir);
        uri = URI.create("cfs:" + sample.image.toUri());
    }

    @Test
    void installedAndRegisteredAsAService() {
        long count = FileSystemProvider.installedProviders().stream().filter(p -> p.getScheme().equals("cfs")).count();
        assertEquals(1, count);
    }

    @Test
    void uriOpenRegisters() throws IOException {
        FileSystem fs = FileSystems.newFileSystem(uri, Map.of("basedir", sample.objects));
        try {
            assertThrows(FileSystemAlreadyExistsException.class, () -> FileSystems.newFileSystem(uri, Map.of()));
            URI plainPath = URI.create("cfs:" + sample.image.toAbsolutePath());
            assertThrows(FileSystemAlreadyExistsException.class, () -> FileSystems.newFileSystem(plainPath, Map.of()));
            assertSame(fs, FileSystems.getFileSystem(uri));
            assertSame(fs, FileSystems.getFileSystem(plainPath));
            assertSame(fs, FileSystems.getFileSystem(URI.create(uri + "!/etc")));
            // The registry is keyed by the real path: another name of the same file finds it.
            Path alias = dir.resolve("alias.cfs");
            Files.createSymbolicLink(alias, sample.image);
            assertSame(fs, FileSystems.getFileSystem(URI.create("cfs:" + alias.toUri())));
            assertThrows(FileSystemAlreadyExistsException.class,
                    () -> FileSystems.newFileSystem(URI.create("cfs:" + alias.toUri()), Map.of()));
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(Path.of(URI.create(uri + "!/etc/os-release"))));
        } finally {
            fs.close();
        }
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
        assertThrows(FileSystemNotFoundException.class, () -> Path.of(URI.create(uri + "!/etc")));
        try (FileSystem again = FileSystems.newFileSystem(uri, Map.of())) {
            assertNotSame(fs, again);
            assertSame(again, FileSystems.getFileSystem(uri));
        }
    }

    @Test
    void getFileSystemOfAMissingImage() {
        URI missing = URI.create("cfs:" + dir.resolve("missing.cfs").toUri());
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(missing));
        assertThrows(NoSuchFileException.class, () -> FileSystems.newFileSystem(missing, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> new CfsFileSystemProvider().getFileSystem(URI.create("jar:file:/x!/")));
    }

    @Test
    void pathOpenIsUnregistered() throws IOException {
        try (FileSystem a = FileSystems.newFileSystem(sample.image, Map.of());
             FileSystem b = FileSystems.newFileSystem(sample.image)) {
            assertNotSame(a, b);
            assertInstanceOf(CfsFileSystemProvider.class, a.provider());
            assertInstanceOf(CfsFileSystemProvider.class, b.provider());
            assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
            try (FileSystem c = FileSystems.newFileSystem(uri, Map.of())) {
                assertTrue(c.isOpen());
            }
        }
    }

    @Test
    void otherFilesAreLeftToOtherProviders() throws IOException {
        CfsFileSystemProvider provider = new CfsFileSystemProvider();
        Path text = Files.writeString(dir.resolve("notes.txt"), "just some text, longer than a magic number\n");
        Path small = Files.write(dir.resolve("small"), new byte[] {1, 2});
        Path empty = Files.createFile(dir.resolve("empty"));
        Path erofsLike = Files.write(dir.resolve("big.bin"), new byte[4096]);
        for (Path p : List.of(text, small, empty, erofsLike, dir)) {
            assertThrows(UnsupportedOperationException.class, () -> provider.newFileSystem(p, Map.of()), p.toString());
        }
        Path zip = dir.resolve("a.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("hello.txt"));
            out.write("hello".getBytes());
            out.closeEntry();
        }
        assertThrows(UnsupportedOperationException.class, () -> provider.newFileSystem(zip, Map.of()));
        // Through the installed providers, a zip file reaches the zip provider and an image reaches cfs.
        try (FileSystem zfs = FileSystems.newFileSystem(zip)) {
            assertEquals("jar", zfs.provider().getScheme());
        }
        try (FileSystem cfs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects))) {
            assertEquals("cfs", cfs.provider().getScheme());
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(cfs.getPath("/etc/os-release")));
        }
        assertThrows(NoSuchFileException.class, () -> provider.newFileSystem(dir.resolve("missing"), Map.of()));
    }

    @Test
    void anImageInsideAnImage() throws IOException {
        // The outer image holds the sample image as a verified file; the inner one opens from a cfs: path.
        dev.composefs.format.tree.Inode root = new dev.composefs.format.tree.Inode(0040755);
        root.addChild(dev.composefs.format.tree.Name.of("inner.cfs"),
                SampleImage.backed(sample.objects, Files.readAllBytes(sample.image), true));
        Path outerImage = dir.resolve("outer.cfs");
        dev.composefs.format.descriptor.DescriptorWriter.write(new dev.composefs.format.tree.Tree(root), outerImage);
        try (FileSystem outer = FileSystems.newFileSystem(outerImage, Map.of("basedir", sample.objects));
             FileSystem inner = FileSystems.newFileSystem(outer.getPath("/inner.cfs"), Map.of("basedir", sample.objects))) {
            assertEquals("cfs", inner.provider().getScheme());
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(inner.getPath("/etc/os-release")));
            assertEquals(fsCount(sample.image), fsCount(outer.getPath("/inner.cfs")));
        }
    }

    private static long fsCount(Path image) throws IOException {
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of()); var s = Files.walk(fs.getPath("/"))) {
            return s.count();
        }
    }

    /** A plain EROFS image (mkfs.erofs, no composefs header) is an image the format layer reads: cfs takes it. */
    @Test
    void aPlainErofsImageIsRecognised() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("plain-tree/etc"));
        Files.writeString(tree.resolve("hostname"), "plain\n");
        Path image = dir.resolve("plain.erofs");
        Process mkfs;
        try {
            mkfs = new ProcessBuilder("mkfs.erofs", "--quiet", image.toString(), dir.resolve("plain-tree").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            org.junit.jupiter.api.Assumptions.abort("mkfs.erofs not installed");
            return;
        }
        assertEquals(0, mkfs.waitFor());
        try (dev.composefs.format.image.Image img = dev.composefs.format.image.Image.open(image)) {
            assertEquals(dev.composefs.format.image.ImageFormat.EROFS, img.format());
        }
        try (FileSystem fs = FileSystems.newFileSystem(image)) {
            assertEquals("cfs", fs.provider().getScheme());
            assertEquals("plain\n", Files.readString(fs.getPath("/etc/hostname")));
        }
    }

    @Test
    void aDamagedImageIsAnIoErrorNotUnsupported() throws IOException {
        byte[] bytes = Files.readAllBytes(sample.image);
        Path truncated = Files.write(dir.resolve("truncated.cfs"), java.util.Arrays.copyOf(bytes, 40));
        IOException e = assertThrows(IOException.class, () -> FileSystems.newFileSystem(truncated, Map.of()));
        assertInstanceOf(CorruptImageException.class, e);
        assertTrue(e.getMessage().contains("truncated.cfs"), e.getMessage());
    }

    @Test
    void basedirForms() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("empty-store"));
        List<Object> forms = List.of(sample.objects, sample.objects.toString(), empty + ":" + sample.objects,
                ":" + sample.objects + ":", List.of(empty, sample.objects), List.of(empty.toString(), sample.objects.toString()));
        for (Object form : forms) {
            try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", form))) {
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")), form.toString());
            }
        }
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", empty))) {
            MissingObjectException e = assertThrows(MissingObjectException.class,
                    () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertTrue(e.getMessage().contains(sample.osReleaseDigest.objectPath()), e.getMessage());
            assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
            assertEquals("/etc/os-release", e.getFile());
        }
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of())) {
            assertThrows(MissingObjectException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertArrayEquals(new byte[0], Files.readAllBytes(fs.getPath("/etc/empty")));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileSystems.newFileSystem(sample.image, Map.of("basedir", 42)));
        assertTrue(e.getMessage().contains("basedir"), e.getMessage());
    }

    @Test
    void verityModes() throws IOException {
        for (Object mode : List.of("none", "if-present", "require", "REQUIRE", VerityMode.NONE, VerityMode.REQUIRE)) {
            try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects, "verity", mode))) {
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")), mode.toString());
                boolean require = mode.toString().equalsIgnoreCase("require");
                if (require) {
                    // /etc/passwd has no expected digest: refused under verity=require.
                    IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/etc/passwd")));
                    assertTrue(e.getMessage().contains("/etc/passwd"), e.getMessage());
                } else {
                    assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(fs.getPath("/etc/passwd")));
                }
            }
        }
        for (String bad : List.of("", "yes", "required", "if_present")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FileSystems.newFileSystem(sample.image, Map.of("verity", bad)));
            assertTrue(e.getMessage().contains("verity"), e.getMessage());
        }
    }

    @Test
    void imageDigest() throws IOException {
        FsVerityDigest good = FsVerityHasher.digest(sample.image);
        for (Object form : List.of(good, good.toString(), good.toString().substring(good.toString().indexOf(':') + 1))) {
            Map<String, Object> env = new HashMap<>(Map.of("basedir", sample.objects, "digest", form));
            try (FileSystem fs = FileSystems.newFileSystem(sample.image, env)) {
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
                // digest implies verity=require
                assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/etc/passwd")));
            }
            env.put("verity", "require");
            FileSystems.newFileSystem(sample.image, env).close();
            env.put("verity", "none");
            assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(sample.image, env));
        }
        FsVerityDigest other = FsVerityHasher.digest(new byte[] {1});
        IOException e = assertThrows(IOException.class,
                () -> FileSystems.newFileSystem(sample.image, Map.of("digest", other.toString())));
        assertTrue(e.getMessage().contains(sample.image.toString()), e.getMessage());
        assertThrows(IOException.class, () -> FileSystems.newFileSystem(uri, Map.of("digest", other)));
        // A refused open leaves nothing registered.
        assertThrows(FileSystemNotFoundException.class, () -> FileSystems.getFileSystem(uri));
        for (String bad : List.of("sha256:zz", "sha256:00", "md5:" + "0".repeat(32), "")) {
            IllegalArgumentException iae = assertThrows(IllegalArgumentException.class,
                    () -> FileSystems.newFileSystem(sample.image, Map.of("digest", bad)));
            assertTrue(iae.getMessage().contains("digest"), iae.getMessage());
        }
    }

    @Test
    void imageDigestOfAnyAlgorithm() throws IOException {
        FsVerityDigest sha512 = FsVerityHasher.digest(sample.image,
                dev.composefs.verity.FsVerityParameters.of(dev.composefs.verity.FsVerityAlgorithm.SHA512, 4096));
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects, "digest", sha512.toString()))) {
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
        }
        FsVerityDigest wrong = FsVerityHasher.digest(new java.io.ByteArrayInputStream(new byte[] {1}),
                dev.composefs.verity.FsVerityParameters.of(dev.composefs.verity.FsVerityAlgorithm.SHA512, 4096));
        assertThrows(IOException.class, () -> FileSystems.newFileSystem(sample.image, Map.of("digest", wrong)));
    }

    @Test
    void nullsAreRejected() throws IOException {
        try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of("basedir", sample.objects))) {
            new com.google.common.testing.NullPointerTester()
                    .setDefault(URI.class, uri)
                    .setDefault(Path.class, fs.getPath("/etc/os-release"))
                    .setDefault(Map.class, Map.of())
                    .setDefault(Class.class, java.nio.file.attribute.BasicFileAttributeView.class)
                    .setDefault(String.class, "size")
                    .ignore(CfsFileSystemProvider.class.getMethod("newFileSystem", URI.class, Map.class))
                    .testAllPublicInstanceMethods(fs.provider());
            // newFileSystem(URI, Map) with a null map: checked before anything is opened.
            assertThrows(NullPointerException.class, () -> fs.provider().newFileSystem(uri, null));
            assertThrows(NullPointerException.class, () -> fs.provider().newFileSystem((URI) null, Map.of()));
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void uriWithAPlainImagePath() throws IOException {
        URI plain = URI.create("cfs:" + sample.image.toAbsolutePath().toUri().getRawPath());
        try (FileSystem fs = FileSystems.newFileSystem(plain, Map.of("basedir", sample.objects))) {
            Path p = Path.of(URI.create(plain + "!/etc/os-release"));
            assertSame(fs, p.getFileSystem());
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(p));
            assertEquals(p, Path.of(p.toUri()));
        }
    }

    @Test
    void imageNamesWithUriSpecialCharacters() throws IOException {
        for (String name : List.of("odd!name #1.cfs", "100% [x] é.cfs", "bang!.cfs")) {
            Path where = Files.createDirectories(dir.resolve("dir with space"));
            Path image = Files.copy(sample.image, where.resolve(name));
            URI imageUri = URI.create("cfs:" + image.toUri());
            try (FileSystem fs = FileSystems.newFileSystem(imageUri, Map.of("basedir", sample.objects))) {
                assertSame(fs, FileSystems.getFileSystem(imageUri), name);
                Path p = fs.getPath("/etc/os-release");
                assertEquals(p, Path.of(p.toUri()), name);
                assertSame(fs, FileSystems.getFileSystem(p.toUri()), name);
                assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(Path.of(p.toUri())));
            }
        }
    }

    @Test
    void imageChangedAfterDigestCheckIsNotTrustedBlindly() throws IOException {
        // The digest pins the bytes that were hashed; appending to the image after hashing changes its digest.
        FsVerityDigest good = FsVerityHasher.digest(sample.image);
        try (OutputStream out = Files.newOutputStream(sample.image, java.nio.file.StandardOpenOption.APPEND)) {
            out.write(0);
        }
        assertThrows(IOException.class, () -> FileSystems.newFileSystem(sample.image, Map.of("digest", good)));
    }

    @Test
    void viewOption() throws IOException {
        for (String v : List.of("mounted", "raw", "RAW")) {
            FileSystems.newFileSystem(sample.image, Map.of("view", v)).close();
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileSystems.newFileSystem(sample.image, Map.of("view", "flat")));
        assertTrue(e.getMessage().contains("view"), e.getMessage());
    }

    @Test
    void otherProvidersKeysAreIgnored() throws IOException {
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("create", "true", "encoding", "UTF-8"))) {
            assertTrue(fs.isReadOnly());
            assertFalse(fs.getRootDirectories().iterator().next().toString().isEmpty());
        }
    }
}
