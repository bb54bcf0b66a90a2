package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification and confinement of backing objects: under {@code verity=require} no damaged,
 * replaced or later-changed object ever yields a wrong byte (an {@link IOException} naming the object
 * instead); backing paths cannot leave their base directory; objects that are not regular files fail
 * at once instead of blocking.
 */
class VerificationTest {
    @TempDir
    Path dir;

    /**
     * Larger than what a verified channel reads, hashes and serves whole at open (256 KiB), so that
     * its blocks are read, and verified, when they are read: changes after open must be caught then.
     */
    private static final byte[] BIG = new byte[256 * 1024 + 3 * 4096 + 100];

    static {
        for (int i = 0; i < BIG.length; i++) {
            BIG[i] = (byte) (i * 7 + i / 4096);
        }
    }

    private FileSystem open(SampleImage sample, String verity) throws IOException {
        return FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects, "verity", verity));
    }

    private static void assertNamesObject(IOException e, String object) {
        String all = e.getMessage() + " " + e.getCause();
        assertTrue(all.contains(object), "the error should name " + object + ": " + all);
    }

    @Test
    void damagedObjectsNeverYieldWrongBytes() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        Path object = sample.objects.resolve(sample.osReleaseDigest.objectPath());
        byte[] good = SampleImage.OS_RELEASE;
        List<byte[]> damaged = List.of(
                flip(good, 3),
                Arrays.copyOf(good, good.length - 1),
                Arrays.copyOf(good, good.length + 1),
                new byte[0],
                "NAME=somebody-else\nID=test\n".getBytes(StandardCharsets.UTF_8));
        for (byte[] bad : damaged) {
            Files.write(object, bad);
            try (FileSystem fs = open(sample, "require")) {
                IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
                assertNamesObject(e, sample.osReleaseDigest.objectPath());
            }
            try (FileSystem fs = open(sample, "none")) {
                if (bad.length != good.length) {
                    // With verity=none only the size is checked ...
                    IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
                    assertNamesObject(e, sample.osReleaseDigest.objectPath());
                } else {
                    // ... so a same-sized change goes through, as on a mount without verity.
                    assertArrayEquals(bad, Files.readAllBytes(fs.getPath("/etc/os-release")));
                }
            }
        }
        Files.delete(object);
        try (FileSystem fs = open(sample, "require")) {
            MissingObjectException e = assertThrows(MissingObjectException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertNamesObject(e, sample.osReleaseDigest.objectPath());
            assertNamesObject(e, sample.objects.toString());
        }
        Files.write(object, good);
        try (FileSystem fs = open(sample, "require")) {
            assertArrayEquals(good, Files.readAllBytes(fs.getPath("/etc/os-release")));
        }
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= 0x20;
        return c;
    }

    /** An image with one big verified file, whose object is changed while a channel is open. */
    private Path bigImage(Path objects) throws IOException {
        Inode root = new Inode(0040755);
        root.addChild(Name.of("big"), SampleImage.backed(objects, BIG, true));
        Path image = dir.resolve("big.cfs");
        DescriptorWriter.write(new Tree(root), image);
        return image;
    }

    @Test
    void changesAfterOpenNeverYieldWrongBytes() throws IOException {
        Path objects = Files.createDirectories(dir.resolve("objects"));
        Path image = bigImage(objects);
        Path object = objects.resolve(FsVerityHasher.digest(BIG).objectPath());
        for (String change : List.of("overwrite", "truncate", "replace")) {
            Files.write(object, BIG);
            try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects, "verity", "require"));
                 SeekableByteChannel ch = Files.newByteChannel(fs.getPath("/big"))) {
                ByteBuffer first = ByteBuffer.allocate(100);
                ch.read(first);
                assertArrayEquals(Arrays.copyOf(BIG, 100), first.array());
                switch (change) {
                    case "overwrite" -> {
                        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
                            f.seek(2 * 4096 + 10);
                            f.write(new byte[] {1, 2, 3, 4});
                        }
                    }
                    case "truncate" -> {
                        try (RandomAccessFile f = new RandomAccessFile(object.toFile(), "rw")) {
                            f.setLength(2 * 4096 + 5);
                        }
                    }
                    default -> {
                        Path tmp = Files.write(dir.resolve("tmp"), flip(BIG, 2 * 4096 + 1));
                        Files.move(tmp, object, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                ch.position(2 * 4096);
                ByteBuffer rest = ByteBuffer.allocate(BIG.length);
                try {
                    while (ch.read(rest) > 0) {
                        continue;
                    }
                    // A replaced file (new inode) leaves the open channel reading the old, good one.
                    byte[] got = Arrays.copyOf(rest.array(), rest.position());
                    assertArrayEquals(Arrays.copyOfRange(BIG, 2 * 4096, 2 * 4096 + got.length), got, change);
                    assertEquals("replace", change, "a damaged block was served");
                } catch (IOException e) {
                    byte[] got = Arrays.copyOf(rest.array(), rest.position());
                    assertArrayEquals(Arrays.copyOfRange(BIG, 2 * 4096, 2 * 4096 + got.length), got, change);
                    assertNamesObject(e, object.getFileName().toString());
                }
            }
        }
    }

    @Test
    void backingPathsCannotEscape() throws IOException {
        Path objects = Files.createDirectories(dir.resolve("store"));
        Path outside = Files.write(dir.resolve("secret"), "secret\n".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(objects.resolve("ab"));
        Files.createSymbolicLink(objects.resolve("ab/link"), outside);
        Files.createSymbolicLink(objects.resolve("ab/inside-link"), objects.resolve("ab/real"));
        Files.write(objects.resolve("ab/real"), "secret\n".getBytes(StandardCharsets.UTF_8));
        Files.createSymbolicLink(objects.resolve("up"), dir);
        Inode root = new Inode(0040755);
        // The descriptor writer refuses '..' and absolute paths, so those are checked on BackingStore directly.
        root.addChild(Name.of("link"), file("ab/link"));
        root.addChild(Name.of("through-dir-link"), file("up/secret"));
        root.addChild(Name.of("inside"), file("ab/inside-link"));
        Path image = dir.resolve("escape.cfs");
        DescriptorWriter.write(new Tree(root), image);
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects, "verity", "none"))) {
            for (String p : List.of("/link", "/through-dir-link")) {
                AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> Files.readAllBytes(fs.getPath(p)), p);
                assertTrue(e.getMessage().contains(p), e.getMessage());
            }
            assertArrayEquals("secret\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(fs.getPath("/inside")));
        }
        for (String bad : List.of("../secret", "/etc/passwd", "ab/../../secret", "./ab/real", "ab//real", "", "a\0b")) {
            IOException e = assertThrows(IOException.class,
                    () -> BackingStore.relativePath("/f", bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().contains("/f"), e.getMessage());
        }
        assertThrows(IOException.class, () -> BackingStore.relativePath("/f", new byte[] {'a', (byte) 0xff}));
        assertEquals("ab/real", BackingStore.relativePath("/f", "ab/real".getBytes(StandardCharsets.UTF_8)));
    }

    /** Backing paths the writer refuses, planted into an image by patching its bytes. */
    @Test
    void escapingBackingPathsInAnImageAreRefused() throws IOException {
        Path objects = Files.createDirectories(dir.resolve("store"));
        Files.write(dir.resolve("secret"), "secret\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> plants = Map.of("zz/secret", "../secret", "zetc/passwd", "/etc/passwd", "zzzzzzzzsecret", "a/../../secret");
        for (Map.Entry<String, String> plant : plants.entrySet()) {
            Inode root = new Inode(0040755);
            root.addChild(Name.of("f"), file(plant.getKey()));
            byte[] bytes = DescriptorWriter.toBytes(new Tree(root));
            byte[] from = plant.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] to = plant.getValue().getBytes(StandardCharsets.UTF_8);
            int at = indexOf(bytes, from);
            assertTrue(at > 0 && from.length == to.length, plant.toString());
            System.arraycopy(to, 0, bytes, at, to.length);
            Path image = Files.write(dir.resolve("planted.cfs"), bytes);
            try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects, "verity", "none"))) {
                IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/f")), plant.getValue());
                // Refused by the backing store (naming the file) or by the reader when the inode's content is read.
                assertTrue(e.getMessage().contains("/f")
                        || e.getMessage().contains("planted.cfs") && e.getMessage().contains("backing path"), e.getMessage());
            } catch (IOException refusedAtOpen) {
                // A reader that rejects such a path when opening the image refuses it too.
                assertTrue(refusedAtOpen.getMessage().contains("planted.cfs"), refusedAtOpen.getMessage());
            }
        }
    }

    /** Where {@code needle} first occurs in {@code hay}, or -1: for planting bytes in an image. */
    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static Inode file(String backingPath) {
        return new Inode(0100644).size(7).payload(backingPath.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void objectsThatAreNotRegularFilesFailAtOnce() throws Exception {
        Path objects = Files.createDirectories(dir.resolve("store"));
        Files.createDirectories(objects.resolve("ab/dir"));
        Path fifo = objects.resolve("ab/fifo");
        boolean haveFifo = mkfifo(fifo);
        Inode root = new Inode(0040755);
        root.addChild(Name.of("dir"), file("ab/dir"));
        root.addChild(Name.of("fifo"), file("ab/fifo"));
        Path image = dir.resolve("odd.cfs");
        DescriptorWriter.write(new Tree(root), image);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects))) {
            for (String p : haveFifo ? List.of("/dir", "/fifo") : List.of("/dir")) {
                Future<?> f = ex.submit(() -> {
                    FileSystemException e = assertThrows(FileSystemException.class, () -> Files.readAllBytes(fs.getPath(p)));
                    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
                    assertTrue(e.getMessage().contains(p), e.getMessage());
                    return null;
                });
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    fail("opening " + p + " blocked");
                }
            }
        } finally {
            ex.shutdownNow();
        }
        Assumptions.assumeTrue(haveFifo, "mkfifo not available");
    }

    private static boolean mkfifo(Path p) throws InterruptedException {
        try {
            Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
            return proc.waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void basedirsAreSearchedInOrder() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        Path first = Files.createDirectories(dir.resolve("first"));
        String rel = sample.osReleaseDigest.objectPath();
        Files.createDirectories(first.resolve(rel).getParent());
        Files.write(first.resolve(rel), flip(SampleImage.OS_RELEASE, 0));
        // A bad copy in the first basedir is an error, not a reason to fall through to a good one.
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", List.of(first, sample.objects)))) {
            IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertNamesObject(e, rel);
            // Objects absent from the first are found in the second.
            assertArrayEquals(SampleImage.SH, Files.readAllBytes(fs.getPath("/usr/bin/sh")));
        }
    }

    @Test
    void basedirsOfAnotherProvider() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        Path zip = dir.resolve("objects.zip");
        try (FileSystem zfs = FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            try (var s = Files.walk(sample.objects)) {
                for (Path p : s.toList()) {
                    Path target = zfs.getPath("/store").resolve(sample.objects.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
        }
        try (FileSystem zfs = FileSystems.newFileSystem(zip);
             FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", List.of(zfs.getPath("/store")), "verity", "if-present"))) {
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertArrayEquals(SampleImage.SH, Files.readAllBytes(fs.getPath("/usr/bin/sh")));
            assertArrayEquals(SampleImage.PASSWD, Files.readAllBytes(fs.getPath("/etc/passwd")));
        }
    }

    @Test
    void imageDigestRefusesAnotherImage() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        FsVerityDigest digest = FsVerityHasher.digest(sample.image);
        Inode root = new Inode(0040755);
        Path other = dir.resolve("other.cfs");
        DescriptorWriter.write(new Tree(root), other);
        IOException e = assertThrows(IOException.class, () -> FileSystems.newFileSystem(other, Map.of("digest", digest)));
        assertTrue(e.getMessage().contains("other.cfs"), e.getMessage());
        FileSystems.newFileSystem(sample.image, Map.of("digest", digest)).close();
    }

    /** A verified image is served as it was verified, even if the file changes afterwards. */
    @Test
    void aVerifiedImageChangedAfterOpenIsServedAsVerified() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        FsVerityDigest digest = FsVerityHasher.digest(sample.image);
        byte[] original = Files.readAllBytes(sample.image);
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("digest", digest, "basedir", sample.objects))) {
            try (java.nio.channels.FileChannel w = java.nio.channels.FileChannel.open(sample.image,
                    java.nio.file.StandardOpenOption.WRITE)) {
                w.write(java.nio.ByteBuffer.wrap(new byte[original.length]), 0);
                w.truncate(200);
            }
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
            assertTrue(Files.isSymbolicLink(fs.getPath("/bin")));
        }
    }

    /** A file where a basedir should have the object's directory means that basedir lacks it: search on. */
    @Test
    void aBasedirWithAFileInTheWayIsSkipped() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        Path first = Files.createDirectories(dir.resolve("first"));
        String rel = sample.osReleaseDigest.objectPath();
        Files.writeString(first.resolve(rel.substring(0, 2)), "not a directory");
        try (FileSystem fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", List.of(first, sample.objects)))) {
            assertArrayEquals(SampleImage.OS_RELEASE, Files.readAllBytes(fs.getPath("/etc/os-release")));
        }
    }
}
