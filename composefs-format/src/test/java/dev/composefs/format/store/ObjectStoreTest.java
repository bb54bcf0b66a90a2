package dev.composefs.format.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.testutil.ExternalTools;
import dev.composefs.format.testutil.TreeText;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.source.DirectoryScanner;
import dev.composefs.format.tree.source.PayloadMode;
import dev.composefs.format.tree.source.ScanOptions;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoreTest {
    @TempDir
    Path tmp;

    private Path file(String name, int size, long seed) throws IOException {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return Files.write(tmp.resolve(name), data);
    }

    /** Every path under the store that is not an object {@code XX/<62 hex>} or its directory. */
    private static List<Path> strays(ObjectStore store) throws IOException {
        try (Stream<Path> all = Files.walk(store.root())) {
            return all.filter(p -> !p.equals(store.root()))
                    .filter(p -> {
                        String rel = store.root().relativize(p).toString();
                        return !(rel.matches("[0-9a-f]{2}") || rel.matches("[0-9a-f]{2}/[0-9a-f]{62}"));
                    })
                    .toList();
        }
    }

    @Test
    void putStoresACopyUnderItsDigest() throws IOException, InterruptedException {
        ObjectStore store = ObjectStore.open(tmp.resolve("store"));
        Path f = file("f", 10_000, 1);
        FsVerityDigest d = store.put(f);
        Path object = store.resolve(d);
        assertEquals(store.root().resolve(d.hex().substring(0, 2)).resolve(d.hex().substring(2)), object);
        assertTrue(store.contains(d));
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(object));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(object)));
        assertEquals(List.of(), strays(store));
        Assumptions.assumeTrue(ExternalTools.installed("fsverity"), "fsverity not installed");
        assertEquals(ExternalTools.fsverityDigest(f), d.hex());
        assertEquals(ExternalTools.fsverityDigest(object), d.hex());
    }

    @Test
    void digestsMatchFsverityAtBlockBoundaries() throws IOException, InterruptedException {
        Assumptions.assumeTrue(ExternalTools.installed("fsverity"), "fsverity not installed");
        ObjectStore store = ObjectStore.open(tmp.resolve("store"), 2);
        List<Path> files = new ArrayList<>();
        int[] sizes = {0, 1, 4095, 4096, 4097, 128 * 4096, 128 * 4096 + 1};
        for (int i = 0; i < sizes.length; i++) {
            files.add(file("f" + i, sizes[i], i));
        }
        Map<Path, FsVerityDigest> digests = store.putAll(files);
        assertEquals(files, List.copyOf(digests.keySet()));
        for (Path f : files) {
            assertEquals(ExternalTools.fsverityDigest(f), digests.get(f).hex(), f.toString());
            assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(store.resolve(digests.get(f))));
        }
    }

    @Test
    void anExistingObjectIsLeftAlone() throws IOException {
        ObjectStore store = ObjectStore.open(tmp.resolve("store"));
        Path a = file("a", 5000, 7);
        Path b = Files.copy(a, tmp.resolve("b"));
        FsVerityDigest d = store.put(a);
        Object key = Files.readAttributes(store.resolve(d), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        assertEquals(d, store.put(b));
        assertEquals(key, Files.readAttributes(store.resolve(d), java.nio.file.attribute.BasicFileAttributes.class).fileKey());
        try (Stream<Path> objects = Files.walk(store.root())) {
            assertEquals(1, objects.filter(Files::isRegularFile).count());
        }
    }

    @Test
    void concurrentWritersOfTheSameAndOfDifferentObjects() throws Exception {
        ObjectStore store = ObjectStore.open(tmp.resolve("store"));
        Path same = file("same", 70_000, 3);
        List<Path> different = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            different.add(file("d" + i, 3000 + i, 100 + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<FsVerityDigest>> tasks = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                tasks.add(() -> store.put(same));
            }
            for (Path p : different) {
                tasks.add(() -> store.put(p));
            }
            Set<FsVerityDigest> digests = new HashSet<>();
            for (Future<FsVerityDigest> f : pool.invokeAll(tasks)) {
                digests.add(f.get());
            }
            assertEquals(9, digests.size());
            for (FsVerityDigest d : digests) {
                assertTrue(store.contains(d));
            }
            assertArrayEquals(Files.readAllBytes(same), Files.readAllBytes(store.resolve(store.put(same))));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(List.of(), strays(store));
    }

    @Test
    void onlyRegularFilesCanBeStoredAndFailuresLeaveNoTemporaryFiles() throws IOException {
        ObjectStore store = ObjectStore.open(tmp.resolve("store"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), file("target", 10, 1));
        Path dir = Files.createDirectory(tmp.resolve("dir"));
        IOException e = assertThrows(IOException.class, () -> store.put(link));
        assertTrue(e.getMessage().contains("link"), e.getMessage());
        assertThrows(IOException.class, () -> store.put(dir));
        assertThrows(NoSuchFileException.class,
                () -> store.putAll(List.of(file("ok", 10, 2), tmp.resolve("missing"), file("ok2", 20, 3))));
        assertEquals(List.of(), strays(store));
    }

    @Test
    void openRejectsAFileAndCreatesMissingDirectories() throws IOException {
        Path f = file("f", 1, 1);
        assertThrows(NotDirectoryException.class, () -> ObjectStore.open(f));
        assertThrows(IllegalArgumentException.class, () -> ObjectStore.open(tmp.resolve("s"), 0));
        ObjectStore store = ObjectStore.open(tmp.resolve("a/b/store"), 3);
        assertTrue(Files.isDirectory(store.root()));
        assertEquals(3, store.threads());
        assertFalse(store.contains(FsVerityDigest.parse("00".repeat(32))));
    }

    @Test
    void aScanWithADigestStoreStoresEveryExternalFile() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("a/b"));
        Files.write(src.resolve("a/b/big"), new byte[100_000]);
        Files.write(src.resolve("a/copy-of-big"), new byte[100_000]);
        Files.writeString(src.resolve("a/small"), "small\n");
        Files.createFile(src.resolve("empty"));
        Files.createSymbolicLink(src.resolve("link"), Path.of("a/b/big"));
        ObjectStore store = ObjectStore.open(tmp.resolve("store"), 2);
        ScanOptions opts = ScanOptions.defaults()
                .withInlineThreshold(ScanOptions.EROFS_INLINE_THRESHOLD)
                .withDigestStore(store);
        assertEquals(PayloadMode.DIGEST_PATH, opts.payloadMode());
        Tree tree = new DirectoryScanner(opts).scan(src);

        Inode big = tree.lookup("/a/b/big".getBytes(StandardCharsets.UTF_8));
        assertEquals(big.digest().objectPath(), new String(big.payload(), StandardCharsets.US_ASCII));
        assertArrayEquals(new byte[100_000], Files.readAllBytes(store.resolve(big.digest())));
        assertEquals(big.digest(), tree.lookup("/a/copy-of-big".getBytes(StandardCharsets.UTF_8)).digest());
        Inode small = tree.lookup("/a/small".getBytes(StandardCharsets.UTF_8));
        assertArrayEquals("small\n".getBytes(StandardCharsets.UTF_8), small.content());
        assertEquals(null, small.digest());
        try (Stream<Path> objects = Files.walk(store.root())) {
            assertEquals(1, objects.filter(Files::isRegularFile).count(), "inline, empty and duplicate files add no object");
        }
        String withStore = TreeText.of(tree);
        String hashedOnly = TreeText.of(new DirectoryScanner(opts.withDigestStore(null)).scan(src));
        assertEquals(hashedOnly, withStore);
    }
}
