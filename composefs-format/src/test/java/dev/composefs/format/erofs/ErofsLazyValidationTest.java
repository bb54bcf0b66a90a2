package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Opening checks only the superblock and the root; everything else is checked when a call reaches
 * it. Damage far from the root therefore lets open succeed and fails the walk that reaches it, naming
 * the inode; and the local directory rules (a subdirectory is not the root or its parent, is named
 * once, and names its parent in {@code ..}) keep every walk from the root finite.
 */
class ErofsLazyValidationTest {
    private static final Path NAME = Path.of("lazy.img");

    private static Inode dir() {
        return new Inode(040755);
    }

    /** Sets every directory's nlink to 2 + its subdirectories, as the reader requires. */
    private static Inode withNlinks(Inode d) {
        long subdirectories = 0;
        for (Inode child : d.children().values()) {
            if (child.type() == FileType.DIRECTORY) {
                withNlinks(child);
                subdirectories++;
            }
        }
        return d.nlink(2 + subdirectories);
    }

    /** root/{a/b/c/f, p1/c1, p2/e, x, y}. */
    private static byte[] sample() throws IOException {
        Inode root = dir();
        Inode c = dir();
        c.addChild(Name.of("f"), new Inode(0100644).size(5).payload("hello".getBytes(StandardCharsets.US_ASCII)));
        Inode b = dir();
        b.addChild(Name.of("c"), c);
        Inode a = dir();
        a.addChild(Name.of("b"), b);
        root.addChild(Name.of("a"), a);
        Inode p1 = dir();
        p1.addChild(Name.of("c1"), dir());
        Inode p2 = dir();
        p2.addChild(Name.of("e"), dir());
        root.addChild(Name.of("p1"), p1);
        root.addChild(Name.of("p2"), p2);
        root.addChild(Name.of("x"), dir());
        root.addChild(Name.of("y"), dir());
        return ErofsReaderRoundTripTest.image(new Tree(withNlinks(root)), ErofsWriterOptions.DEFAULT);
    }

    private static long nid(byte[] image, String path) throws IOException {
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(image.clone(), NAME), ImageView.RAW)) {
            long ino = raw.rootInode();
            for (String part : path.split("/")) {
                ino = raw.lookup(ino, Name.of(part));
            }
            return ino;
        }
    }

    /** Byte offset of the dirent called {@code name} in directory {@code dirNid}. */
    private static int dirent(byte[] image, long dirNid, String name) throws IOException {
        ImageData data = ImageData.wrap(image, NAME);
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsDirectory d = new ErofsDirectory(data, ErofsInode.read(data, volume, dirNid));
        byte[] key = name.getBytes(StandardCharsets.US_ASCII);
        long found = d.find(key, 0, key.length, true);
        assertTrue(found >= 0, name);
        return (int) (d.blockOffset(ErofsDirectory.block(found)) + (long) ErofsDirectory.entry(found) * Dirent.SIZE);
    }

    /** A copy of {@code image} whose dirent {@code name} in {@code dirNid} names {@code target}. */
    private static byte[] renamed(byte[] image, long dirNid, String name, long target) throws IOException {
        byte[] b = image.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(dirent(b, dirNid, name) + Dirent.OFF_NID, target);
        return b;
    }

    /** Opens {@code image} in both views (which must succeed) and walks it; returns the fault. */
    private static CorruptImageException walkFails(byte[] image, String fragment) throws IOException {
        CorruptImageException fault = null;
        for (ImageView view : ImageView.values()) {
            try (Image img = Image.open(ImageData.wrap(image, NAME), view)) {
                CorruptImageException e = assertThrows(CorruptImageException.class, () -> ImageWalk.walk(img), view::name);
                assertTrue(e.getMessage().contains(NAME.toString()) && e.getMessage().contains(fragment), e.getMessage());
                if (fault != null) {
                    assertEquals(fault.getMessage(), e.getMessage(), "both views find the same fault");
                }
                fault = e;
            }
        }
        return fault;
    }

    @Test
    void theSampleWalks() throws IOException {
        byte[] image = sample();
        assertEquals(null, ErofsReaderCorruptionTest.openAndWalk(image));
    }

    /** Open reads the composefs header, the superblock and the root inode's header, nothing else. */
    @Test
    void openReadsOnlyTheHeadersAndTheRoot() throws IOException {
        byte[] image = ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT);
        ImageData data = ImageData.wrap(image, NAME);
        ErofsInode root = ErofsInode.read(data, ErofsVolume.read(data), rootOf(image));
        int superblock = ErofsLayout.EROFS_SUPER_OFFSET;
        for (int i = 0; i < image.length; i++) {
            boolean read = i < ComposefsHeader.SIZE || (i >= superblock && i < superblock + Superblock.SIZE)
                    || (i >= root.offset() && i < root.xattrOffset() + XattrLayout.IBODY_HEADER_SIZE);
            if (!read) {
                byte[] b = image.clone();
                b[i] ^= (byte) 0xff;
                for (ImageView view : ImageView.values()) {
                    ErofsReader.open(ImageData.wrap(b, NAME), view).close();
                }
            }
        }
    }

    @Test
    void deepDamageIsFoundByTheWalkNotByOpen() throws IOException {
        byte[] image = sample();
        long f = nid(image, "a/b/c/f");
        long p1 = nid(image, "p1");
        ImageData data = ImageData.wrap(image, NAME);
        ErofsInode inode = ErofsInode.read(data, ErofsVolume.read(data), f);
        byte[] b = image.clone();
        b[(int) inode.offset() + InodeRecord.OFF_FORMAT + 1] = 0x10;
        CorruptImageException e = walkFails(b, "unknown bits");
        assertEquals(f, e.inode());
        assertEquals(inode.offset(), e.offset());
        try (Image img = Image.open(ImageData.wrap(b, NAME))) {
            assertEquals(FileType.DIRECTORY, img.stat(p1).type());
            assertNotEquals(-1, img.lookup(p1, Name.of("c1")));
            long c = img.lookup(img.lookup(img.lookup(img.rootInode(), Name.of("a")), Name.of("b")), Name.of("c"));
            assertEquals(f, assertThrows(CorruptImageException.class, () -> img.lookup(c, Name.of("f"))).inode());
            assertEquals(f, assertThrows(CorruptImageException.class, () -> img.stat(f)).inode());
        }
    }

    @Test
    void aSubdirectoryNamingAnAncestorIsRefused() throws IOException {
        byte[] image = sample();
        long root = rootOf(image);
        long a = nid(image, "a");
        long b = nid(image, "a/b");
        assertEquals(b, walkFails(renamed(image, b, "c", a), "'..' entry naming nid " + root).inode());
        assertEquals(b, walkFails(renamed(image, b, "c", root), "is the root").inode());
        assertEquals(b, walkFails(renamed(image, b, "c", b), "is this directory itself").inode());
    }

    private static long rootOf(byte[] image) throws IOException {
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(image.clone(), NAME), ImageView.RAW)) {
            return raw.rootInode();
        }
    }

    @Test
    void aDirectoryNamedByTwoParentsIsRefusedWhereItIsNotItsParent() throws IOException {
        byte[] image = sample();
        long p1 = nid(image, "p1");
        long p2 = nid(image, "p2");
        long c1 = nid(image, "p1/c1");
        byte[] b = renamed(image, p2, "e", c1);
        assertEquals(p2, walkFails(b, "'..' entry naming nid " + p1 + ", not this directory").inode());
        try (Image img = Image.open(ImageData.wrap(b, NAME))) {
            assertEquals(c1, img.lookup(p1, Name.of("c1")), "the true parent still serves it");
            assertThrows(CorruptImageException.class, () -> img.lookup(p2, Name.of("e")));
            assertThrows(CorruptImageException.class, () -> drain(img.openDirectory(p2)),
                    "failures are not remembered as passes");
            DirectoryCursor listing = img.openDirectory(p2);
            CorruptImageException first = assertThrows(CorruptImageException.class, () -> drain(listing));
            assertSame(first, assertThrows(CorruptImageException.class, listing::next),
                    "a listing that failed its check fails again, it does not go on past the bad entry");
        }
    }

    @Test
    void aDirectoryNamedTwiceByOneParentIsRefused() throws IOException {
        byte[] image = sample();
        long root = rootOf(image);
        long x = nid(image, "x");
        assertEquals(root, walkFails(renamed(image, root, "y", x), "already has a name").inode());
    }

    @Test
    void aSubdirectoryWhoseDotDotIsWrongIsRefusedByItsParent() throws IOException {
        byte[] image = sample();
        long b = nid(image, "a/b");
        long c = nid(image, "a/b/c");
        long p1 = nid(image, "p1");
        byte[] damaged = renamed(image, c, "..", p1);
        assertEquals(b, walkFails(damaged, "'..' entry naming nid " + p1).inode());
        try (Image img = Image.open(ImageData.wrap(damaged, NAME))) {
            assertThrows(CorruptImageException.class, () -> img.lookup(b, Name.of("c")));
        }
        long root = rootOf(image);
        assertEquals(root, walkFails(renamed(image, root, "..", p1), "not directory " + root).inode());
    }

    /** Threads racing to list the same unchecked directories all get the same answers, or all the same fault. */
    @Test
    void concurrentFirstUsesAgree() throws Exception {
        byte[] image = sample();
        long c1 = nid(image, "p1/c1");
        byte[] damaged = renamed(image, nid(image, "p2"), "e", c1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 20; round++) {
                try (Image good = Image.open(ImageData.wrap(image, NAME)); Image bad = Image.open(ImageData.wrap(damaged, NAME))) {
                    List<Future<Long>> walks = new ArrayList<>();
                    List<Future<Long>> failures = new ArrayList<>();
                    for (int t = 0; t < 4; t++) {
                        walks.add(pool.submit(() -> ImageWalk.walk(good)));
                        failures.add(pool.submit(() -> ImageWalk.walk(bad)));
                    }
                    for (Future<Long> w : walks) {
                        assertEquals(ImageWalk.walk(good), w.get());
                    }
                    for (Future<Long> f : failures) {
                        ExecutionException e = assertThrows(ExecutionException.class, f::get);
                        assertInstanceOf(CorruptImageException.class, e.getCause());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Forty directories, each naming the next under two names: 2^40 paths for a walk that trusts the
     * image. A walk that enters every name it is given, without remembering anything, must stop at
     * the first directory with a CorruptImageException.
     */
    @Test
    void aDagShapedBombEndsWithCorruptImageException() throws IOException {
        int depth = 40;
        Inode root = dir();
        Inode d = root;
        for (int i = 0; i < depth; i++) {
            Inode next = dir();
            d.addChild(Name.of("l"), next);
            d.addChild(Name.of("r"), dir());
            d = next;
        }
        byte[] image = ErofsReaderRoundTripTest.image(new Tree(withNlinks(root)), ErofsWriterOptions.DEFAULT);
        long[] levels = new long[depth + 1];
        levels[0] = rootOf(image);
        String path = "";
        for (int i = 1; i <= depth; i++) {
            path += "l/";
            levels[i] = nid(image, path);
        }
        for (int i = 0; i < depth; i++) {
            image = renamed(image, levels[i], "r", levels[i + 1]);
        }
        for (ImageView view : ImageView.values()) {
            try (Image img = Image.open(ImageData.wrap(image, NAME), view)) {
                IOException e = assertThrows(IOException.class, () -> naiveWalk(img));
                assertInstanceOf(CorruptImageException.class, e);
                assertTrue(e.getMessage().contains("already has a name"), e.getMessage());
            }
        }
    }

    /** Follows every directory entry without remembering what it entered; gives up after a million. */
    private static void naiveWalk(Image img) throws IOException {
        Deque<Long> pending = new ArrayDeque<>();
        pending.push(img.rootInode());
        for (int visits = 0; !pending.isEmpty(); visits++) {
            assertTrue(visits < 1_000_000, "the walk did not end");
            DirectoryCursor c = img.openDirectory(pending.pop());
            while (c.next()) {
                if (c.fileType() == FileType.DIRECTORY) {
                    pending.push(c.inode());
                }
            }
        }
    }

    /**
     * A first listing checks each entry before serving it: the entries before a fault are served,
     * the faulty one never is, and a subdirectory named twice is served once.
     */
    @Test
    void aFirstListingServesWhatPassedAndStopsAtTheFault() throws IOException {
        byte[] image = sample();
        long root = rootOf(image);
        long x = nid(image, "x");
        byte[] damaged = renamed(image, root, "y", x);
        for (ImageView view : ImageView.values()) {
            try (Image img = Image.open(ImageData.wrap(damaged, NAME), view)) {
                DirectoryCursor c = img.openDirectory(img.rootInode());
                List<String> served = new ArrayList<>();
                CorruptImageException e = assertThrows(CorruptImageException.class, () -> {
                    while (c.next()) {
                        served.add(c.name().toString());
                    }
                });
                assertTrue(e.getMessage().contains("already has a name"), e.getMessage());
                // The raw view also lists composefs' root stubs 00..ff.
                assertEquals(List.of("p1", "p2", "x"), served.subList(served.size() - 3, served.size()), view.name());
                assertTrue(served.contains("a"), view.name());
            }
        }
    }

    /** What holds for the whole directory (here nlink) is known at its end: the last move reports it. */
    @Test
    void aWrongNlinkFailsTheEndOfTheFirstListing() throws IOException {
        byte[] image = sample();
        long p1 = nid(image, "p1");
        byte[] b = image.clone();
        ErofsInode inode = ErofsInode.read(ImageData.wrap(b, NAME), ErofsVolume.read(ImageData.wrap(b, NAME)), p1);
        ByteBuffer buffer = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (inode.extended()) {
            buffer.putInt((int) inode.offset() + InodeRecord.OFF_EXTENDED_NLINK, 7);
        } else {
            buffer.putShort((int) inode.offset() + InodeRecord.OFF_COMPACT_NLINK, (short) 7);
        }
        try (Image img = Image.open(ImageData.wrap(b, NAME))) {
            DirectoryCursor c = img.openDirectory(p1);
            assertTrue(c.next());
            assertEquals("c1", c.name().toString());
            CorruptImageException e = assertThrows(CorruptImageException.class, c::next);
            assertTrue(e.getMessage().contains("nlink 7 is not 2 + its 1 subdirectories"), e.getMessage());
            assertEquals(p1, e.inode());
            assertThrows(CorruptImageException.class, () -> img.lookup(p1, Name.of("c1")), "not remembered as checked");
        }
    }

    /**
     * The first listing of a directory decodes each entry's inode for its check and hands out the
     * status it read, the one {@code stat} gives in that view (whiteouts shown as devices included);
     * later listings read only the dirents.
     */
    @Test
    void aFirstListingKnowsEachEntrysStatus() throws IOException {
        byte[] image = ErofsReaderTest.sampleImage(ErofsWriterOptions.DEFAULT);
        for (ImageView view : ImageView.values()) {
            try (Image img = Image.open(ImageData.wrap(image, NAME), view)) {
                Deque<Long> pending = new ArrayDeque<>();
                pending.push(img.rootInode());
                int entries = 0;
                while (!pending.isEmpty()) {
                    long dir = pending.pop();
                    DirectoryCursor first = img.openDirectory(dir);
                    while (first.next()) {
                        assertEquals(img.stat(first.inode()), first.knownStat(), view + " " + first.name());
                        assertEquals(first.fileType(), first.knownStat().type());
                        if (first.fileType() == FileType.DIRECTORY) {
                            pending.push(first.inode());
                        }
                        entries++;
                    }
                    DirectoryCursor again = img.openDirectory(dir);
                    while (again.next()) {
                        assertEquals(null, again.knownStat());
                    }
                }
                assertTrue(entries > 5, "entries " + entries);
            }
        }
    }

    /** Lists every entry of {@code cursor}, as a first listing checks them. */
    private static void drain(DirectoryCursor cursor) throws IOException {
        while (cursor.next()) {
            cursor.inode();
        }
    }
}
