package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageWalk;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What lazy validation promises: opening checks only the superblock and the root, damage anywhere
 * else is reported (with the inode) by the first access that reaches it, and the directory graph rules
 * (no cycle, no directory with two names) hold for every walk, from any number of threads.
 */
class DescriptorLazyValidationTest {
    private static final Path NAME = Path.of("lazy.cfs");

    private static Inode dir() {
        return new Inode(040755);
    }

    private static Inode file() {
        return new Inode(0100644);
    }

    private static Image open(byte[] bytes) throws IOException {
        return Image.open(ImageData.wrap(bytes, NAME));
    }

    /** The inode at {@code path} ("/a/b"), looked up in an undamaged image. */
    private static long ino(byte[] bytes, String path) throws IOException {
        try (Image image = open(bytes)) {
            return resolve(image, path);
        }
    }

    private static long resolve(Image image, String path) throws IOException {
        long ino = image.rootInode();
        for (String part : path.substring(1).split("/")) {
            ino = image.lookup(ino, Name.of(part));
            assertTrue(ino >= 0, "no " + part + " in " + path);
        }
        return ino;
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** The absolute offset of directory {@code dir}'s dirent blob. */
    private static int blobOf(byte[] bytes, long dir) {
        ByteBuffer b = le(bytes);
        return (int) (b.getLong(8) + b.getLong(SampleDescriptors.inodeAt((int) dir) + 52));
    }

    /** Makes dirent {@code index} of directory {@code dir} name inode {@code target}. */
    private static void retarget(byte[] bytes, long dir, int index, long target) {
        le(bytes).putInt(blobOf(bytes, dir) + 4 + 12 * index, (int) target);
    }

    /** Opens {@code bytes} (which must succeed) and walks everything; returns the corruption found. */
    private static CorruptImageException walkFailure(byte[] bytes) throws IOException {
        try (Image image = open(bytes)) {
            IOException e = assertThrows(IOException.class, () -> ImageWalk.everything(image));
            return assertInstanceOf(CorruptImageException.class, e);
        }
    }

    private static CorruptImageException treeFailure(byte[] bytes) throws IOException {
        try (Image image = open(bytes)) {
            IOException e = assertThrows(IOException.class, () -> ImageTree.read(image));
            return assertInstanceOf(CorruptImageException.class, e);
        }
    }

    private static void assertReports(CorruptImageException e, long inode, String fragment) {
        assertEquals(inode, e.inode(), e.getMessage());
        assertTrue(e.getMessage().startsWith(NAME + ": corrupt image, inode " + inode), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static byte[] deepTree() {
        Inode root = dir();
        Inode e = dir().addChild(Name.of("f"), file());
        root.addChild(Name.of("a"), dir().addChild(Name.of("b"), dir().addChild(Name.of("c"),
                dir().addChild(Name.of("d"), dir().addChild(Name.of("e"), e)))));
        root.addChild(Name.of("other"), dir().addChild(Name.of("x"), file()));
        return DescriptorWriter.toBytes(new Tree(root));
    }

    @Test
    void damageDeepInTheTreeIsReportedByTheWalkNotAtOpen() throws IOException {
        byte[] bytes = deepTree();
        long e = ino(bytes, "/a/b/c/d/e");
        le(bytes).putInt(blobOf(bytes, e), 0);
        try (Image image = open(bytes)) {
            assertTrue(resolve(image, "/other/x") > 0);
            assertEquals(e, resolve(image, "/a/b/c/d/e"), "the damaged directory itself can be reached and stat'ed");
            image.stat(e);
            CorruptImageException ce = assertThrows(CorruptImageException.class, () -> image.lookup(e, Name.of("f")));
            assertReports(ce, e, "n_dirents 0");
            assertReports(assertThrows(CorruptImageException.class, () -> image.openDirectory(e)), e, "n_dirents 0");
        }
        assertReports(walkFailure(bytes), e, "n_dirents 0");
        assertReports(treeFailure(bytes), e, "n_dirents 0");
    }

    @Test
    void aDamagedInodeDeepInTheTreeIsReportedWhenDecodedOrListed() throws IOException {
        byte[] bytes = deepTree();
        long f = ino(bytes, "/a/b/c/d/e/f");
        long e = ino(bytes, "/a/b/c/d/e");
        le(bytes).putInt(SampleDescriptors.inodeAt((int) f), 0644);
        try (Image image = open(bytes)) {
            assertTrue(resolve(image, "/other/x") > 0);
            assertReports(assertThrows(CorruptImageException.class, () -> image.stat(f)), f, "st_mode");
            CorruptImageException listing = assertThrows(CorruptImageException.class, () -> image.openDirectory(e));
            assertReports(listing, f, "named by a dirent of inode " + e);
        }
        assertInstanceOf(CorruptImageException.class, walkFailure(bytes));
        assertReports(treeFailure(bytes), f, "st_mode");
    }

    @Test
    void aSubdirectoryNamingAnAncestorIsACycle() throws IOException {
        byte[] bytes = deepTree();
        long a = ino(bytes, "/a");
        long c = ino(bytes, "/a/b/c");
        retarget(bytes, c, 0, a);
        assertReports(walkFailure(bytes), c, "names directory inode " + a + ", which is not numbered after its parent " + c);
        assertReports(treeFailure(bytes), c, "cycle");
        try (Image image = open(bytes)) {
            assertReports(assertThrows(CorruptImageException.class, () -> image.lookup(c, Name.of("d"))), c, "cycle");
        }
    }

    @Test
    void aDirectoryNamingItselfIsACycle() throws IOException {
        byte[] bytes = deepTree();
        long c = ino(bytes, "/a/b/c");
        retarget(bytes, c, 0, c);
        assertReports(walkFailure(bytes), c, "'d' names directory inode " + c + ", which is the directory itself");
        assertReports(treeFailure(bytes), c, "is the directory itself");
    }

    private static byte[] twoParents() {
        Inode root = dir();
        root.addChild(Name.of("x"), dir().addChild(Name.of("sub"), dir().addChild(Name.of("f"), file())));
        root.addChild(Name.of("y"), dir().addChild(Name.of("other"), dir()));
        return DescriptorWriter.toBytes(new Tree(root));
    }

    @Test
    void aDirectoryNamedByTwoParentsIsFoundWhicheverParentIsListedFirst() throws IOException {
        byte[] bytes = twoParents();
        long x = ino(bytes, "/x");
        long y = ino(bytes, "/y");
        long sub = ino(bytes, "/x/sub");
        retarget(bytes, y, 0, sub);
        assertReports(walkFailure(bytes), y, "names directory inode " + sub + ", which already has a name: a hard-linked directory");
        assertInstanceOf(CorruptImageException.class, treeFailure(bytes));
        try (Image image = open(bytes)) {
            assertEquals(sub, image.lookup(y, Name.of("other")), "the first parent listed keeps the name");
            assertReports(assertThrows(CorruptImageException.class, () -> image.openDirectory(x)), x, "already has a name");
            assertReports(assertThrows(CorruptImageException.class, () -> image.lookup(x, Name.of("sub"))), x,
                    "already has a name");
            assertEquals(sub, image.lookup(y, Name.of("other")), "a validated directory stays usable");
        }
    }

    @Test
    void aDirectoryNamedTwiceByOneParentIsAHardLink() throws IOException {
        Inode root = dir();
        root.addChild(Name.of("x"), dir().addChild(Name.of("a"), dir()).addChild(Name.of("b"), dir()));
        byte[] bytes = DescriptorWriter.toBytes(new Tree(root));
        long x = ino(bytes, "/x");
        long a = ino(bytes, "/x/a");
        retarget(bytes, x, 1, a);
        assertReports(walkFailure(bytes), x, "dirent 'b' names directory inode " + a + ", which dirent 'a' names too");
        try (Image image = open(bytes)) {
            assertReports(assertThrows(CorruptImageException.class, () -> image.lookup(x, Name.of("a"))), x, "names too");
        }
    }

    /**
     * Layers of two directories, each of the second column damaged to name both directories of the
     * next layer: 2^40 paths for a walk that does not notice second names.
     */
    @Test
    void aDagShapedBombEndsInACorruptImageException() throws IOException {
        int depth = 40;
        Inode root = dir();
        Inode parent = root;
        for (int k = 0; k < depth; k++) {
            Inode l = dir();
            Inode r = dir().addChild(Name.of("a"), dir()).addChild(Name.of("b"), dir());
            parent.addChild(Name.of("a"), l).addChild(Name.of("b"), r);
            parent = l;
        }
        byte[] clean = DescriptorWriter.toBytes(new Tree(root));
        byte[] bytes = clean.clone();
        try (Image image = open(clean)) {
            String path = "";
            for (int k = 0; k + 1 < depth; k++) {
                long r = resolve(image, path + "/b");
                path += "/a";
                retarget(bytes, r, 0, resolve(image, path + "/a"));
                retarget(bytes, r, 1, resolve(image, path + "/b"));
            }
        }
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            assertTrue(walkFailure(bytes).getMessage().contains("already has a name"));
            assertTrue(treeFailure(bytes).getMessage().contains("already has a name"));
        }, "a walk of a DAG must end");
    }

    /** 2000 directories of 99 empty files: 200,001 inodes. */
    private static byte[] large() {
        Inode root = dir();
        for (int d = 0; d < 2000; d++) {
            Inode sub = dir();
            for (int f = 0; f < 99; f++) {
                sub.addChild(Name.of("file-" + f), file());
            }
            root.addChild(Name.of(String.format("d%04d", d)), sub);
        }
        return DescriptorWriter.toBytes(new Tree(root));
    }

    /**
     * Opening and one lookup touch no inode and no blob off their path: a dirent of one directory is
     * damaged, and the file inodes of all the others but the one looked in are overwritten with garbage.
     */
    @Test
    void openingALargeImageTouchesNeitherItsSizeNorItsDamage() throws IOException {
        byte[] bytes = large();
        long damaged = ino(bytes, "/d1999");
        long used = ino(bytes, "/d0007");
        le(bytes).putInt(blobOf(bytes, damaged) + 4 + 12 * 50 + 9, 4);
        long firstFile = 2001;
        for (int f = (int) firstFile; f < 200_001; f++) {
            long parent = (f - firstFile) / 99 + 1;
            if (parent != used && parent != damaged) {
                Arrays.fill(bytes, SampleDescriptors.inodeAt(f), SampleDescriptors.inodeAt(f + 1), (byte) 0xff);
            }
        }
        try (Image image = open(bytes)) {
            assertEquals(200_001, image.inodeCount());
            long f = resolve(image, "/d0007/file-42");
            assertEquals(0100644, image.stat(f).mode());
            assertReports(assertThrows(CorruptImageException.class, () -> image.openDirectory(damaged)), damaged, "d_type");
            assertReports(assertThrows(CorruptImageException.class, () -> image.stat(firstFile)), firstFile, "st_mode");
        }
        assertInstanceOf(CorruptImageException.class, walkFailure(bytes));
    }

    /** 64 directories of 16 subdirectories each, every one holding a file. */
    private static byte[] wide() {
        Inode root = dir();
        for (int d = 0; d < 64; d++) {
            Inode sub = dir();
            for (int s = 0; s < 16; s++) {
                sub.addChild(Name.of("s" + s), dir().addChild(Name.of("f"), file()));
            }
            root.addChild(Name.of("d" + d), sub);
        }
        return DescriptorWriter.toBytes(new Tree(root));
    }

    /** Walks {@code image} fully from {@code threads} threads started together; returns each one's failure or null. */
    private static List<Throwable> walkTogether(Image image, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Throwable>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        ImageWalk.everything(image);
                        return null;
                    } catch (IOException e) {
                        return e;
                    }
                }));
            }
            start.countDown();
            List<Throwable> failures = new ArrayList<>();
            for (Future<Throwable> f : results) {
                failures.add(f.get());
            }
            return failures;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentFirstUsesOfOneDirectoryAreNotSecondNames() throws Exception {
        byte[] bytes = wide();
        for (int round = 0; round < 20; round++) {
            try (Image image = open(bytes)) {
                for (Throwable t : walkTogether(image, 4)) {
                    if (t != null) {
                        throw new AssertionError("round " + round + ": a valid image failed a concurrent walk", t);
                    }
                }
            }
        }
    }

    @Test
    void concurrentWalksAllFindARealSecondName() throws Exception {
        byte[] bytes = wide();
        long d3 = ino(bytes, "/d3");
        long d5s2 = ino(bytes, "/d5/s2");
        retarget(bytes, d3, 0, d5s2);
        for (int round = 0; round < 10; round++) {
            try (Image image = open(bytes)) {
                for (Throwable t : walkTogether(image, 4)) {
                    assertNotNull(t, "round " + round + ": a walk missed the second name");
                    CorruptImageException e = assertInstanceOf(CorruptImageException.class, t);
                    assertTrue(e.getMessage().contains("names directory inode " + d5s2 + ", which already has a name"),
                            e.getMessage());
                }
                DirectoryCursor c = image.openDirectory(image.rootInode());
                int entries = 0;
                while (c.next()) {
                    entries++;
                }
                assertEquals(64, entries);
            }
        }
    }
}
