package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.descriptor.DescriptorLayout;
import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bomb images (issue 6): sizes and counts claimed far beyond what the image holds (a file of 2^62
 * bytes over a 7-byte object, a directory claiming 4 billion dirents or 2^62 bytes, 65535 xattrs), and
 * a directory of a million names of one inode. Each is opened through the {@code cfs:} provider and
 * everything is walked, stat'ed and read: only {@link IOException}s come out, and what the file system
 * keeps stays bounded (the heap retained with the file system still open, measured after a GC, grows
 * by far less than the claims would need).
 */
class BombImageTest {
    private static final long HUGE = 1L << 62;
    private static final byte[] DATA = "seven b".getBytes(StandardCharsets.UTF_8);
    /** A mark to find an EROFS inode by: an mtime that needs the extended (64-byte) inode. */
    private static final long MARK = 0x5EED_5EED_5EEDL;
    private static final int LINKS = 1_000_000;
    private static final long RETAINED_BOUND = 64L << 20;

    @TempDir
    Path dir;

    private Path objects() throws IOException {
        Path objects = Files.createDirectories(dir.resolve("objects/ab"));
        Files.write(objects.resolve("cd"), DATA);
        return objects.getParent();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static long usedAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // Several rounds: one System.gc() may leave garbage of the previous phase behind.
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    /**
     * Walks everything (basic attributes of each entry) and inspects every {@code nth} entry (all
     * attribute views, content read); returns the entries seen. Only IOExceptions may come out.
     */
    private static long exploreAll(FileSystem fs, int nth) throws IOException {
        long[] seen = {0};
        Files.walkFileTree(fs.getPath("/"), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                seen[0]++;
                inspect(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (seen[0]++ % nth == 0) {
                    inspect(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                seen[0]++;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                return FileVisitResult.CONTINUE;
            }
        });
        return seen[0];
    }

    private static void inspect(Path p) {
        try {
            Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            Files.readAttributes(p, "xattr:*", LinkOption.NOFOLLOW_LINKS);
            Files.readAttributes(p, "composefs:*", LinkOption.NOFOLLOW_LINKS);
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream in = Files.newInputStream(p)) {
                    in.readNBytes(1 << 16);
                }
            }
        } catch (IOException e) {
            // A documented failure for a damaged entry.
        } catch (UncheckedIOException | DirectoryIteratorException e) {
            if (e.getCause() == null) {
                throw e;
            }
        }
    }

    /** Opens {@code image} and explores all of it, asserting bounded retained memory; returns the entries seen. */
    private long openAndExplore(Path image, Path basedir) throws IOException {
        return openAndExplore(image, basedir, 1);
    }

    private long openAndExplore(Path image, Path basedir, int nth) throws IOException {
        long before = usedAfterGc();
        FileSystem fs;
        try {
            fs = FileSystems.newFileSystem(image, Map.of("basedir", basedir));
        } catch (IOException refused) {
            assertTrue(refused.getMessage().contains(image.getFileName().toString()), refused.getMessage());
            return -1;
        }
        try (fs) {
            long seen = exploreAll(fs, nth);
            long retained = usedAfterGc() - before;
            assertTrue(retained < RETAINED_BOUND, image.getFileName() + ": " + retained + " bytes retained");
            return seen;
        }
    }

    @Test
    void aFileClaiming2To62BytesOverAShortObject() throws IOException {
        Path objects = objects();
        Inode root = new Inode(0040755);
        root.addChild(Name.of("huge"), new Inode(0100644).size(HUGE).payload("ab/cd".getBytes(StandardCharsets.UTF_8)));
        Path image = dir.resolve("huge.cfs");
        DescriptorWriter.write(new Tree(root), image);
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects))) {
            assertEquals(HUGE, Files.size(fs.getPath("/huge")));
            FileSystemException e = assertThrows(FileSystemException.class, () -> Files.newInputStream(fs.getPath("/huge")));
            assertTrue(e.getMessage().contains("/huge") && e.getMessage().contains("ab/cd"), e.getMessage());
        }
        assertEquals(2, openAndExplore(image, objects));
    }

    @Test
    void erofsSizesPatchedToClaim2To62Bytes() throws IOException {
        Path objects = objects();
        Inode root = new Inode(0040755);
        Timespec mark = new Timespec(MARK, 0);
        root.addChild(Name.of("backed"), new Inode(0100644).size(DATA.length).payload("ab/cd".getBytes(StandardCharsets.UTF_8))
                .mtime(mark).ctime(mark));
        root.addChild(Name.of("inline"), new Inode(0100644).size(DATA.length).content(DATA).mtime(mark).ctime(mark));
        Inode sub = new Inode(0040755).mtime(mark).ctime(mark);
        sub.addChild(Name.of("x"), new Inode(0100644));
        root.addChild(Name.of("dir"), sub);
        Inode xattrs = new Inode(0100644).mtime(mark).ctime(mark);
        xattrs.xattrs().add(Xattr.of("user.a", DATA));
        root.addChild(Name.of("xattrs"), xattrs);
        byte[] clean = new ErofsWriter().toBytes(new Tree(root));
        byte[] markBytes = new byte[8];
        le(markBytes).putLong(0, MARK);
        int marks = 0;
        for (int at = 0; (at = indexOf(clean, markBytes, at)) >= 0; at++) {
            // struct erofs_inode_extended: i_xattr_icount at 2, i_size at 8, i_mtime at 32.
            int inode = at - 32;
            for (int field : new int[] {8, 2}) {
                byte[] bomb = clean.clone();
                if (field == 8) {
                    le(bomb).putLong(inode + 8, HUGE);
                } else {
                    le(bomb).putShort(inode + 2, (short) 0xffff);
                }
                Files.write(dir.resolve("bomb.erofs"), bomb);
                openAndExplore(dir.resolve("bomb.erofs"), objects);
            }
            marks++;
        }
        assertEquals(4, marks, "each marked inode found once");
    }

    @Test
    void descriptorCountsPatchedToClaimBillions() throws IOException {
        Path objects = objects();
        Inode root = new Inode(0040755);
        Inode f = new Inode(0100644).size(DATA.length).payload("ab/cd".getBytes(StandardCharsets.UTF_8));
        f.xattrs().add(Xattr.of("user.a", DATA));
        root.addChild(Name.of("f"), f);
        root.addChild(Name.of("g"), new Inode(0100644));
        byte[] clean = DescriptorWriter.toBytes(new Tree(root));
        long vdata = le(clean).getLong(DescriptorLayout.SB_VDATA_OFFSET);
        long rootInode = DescriptorLayout.inodeOffset(0);
        int dirents = (int) (vdata + le(clean).getLong((int) rootInode + DescriptorLayout.VARIABLE_DATA));
        for (int count : new int[] {0x7fffffff, 0xffffffff, 1_000_000}) {
            byte[] bomb = clean.clone();
            le(bomb).putInt(dirents, count);
            Path image = Files.write(dir.resolve("dirents.cfs"), bomb);
            openAndExplore(image, objects);
        }
        // The xattr blob of the file (inode 1): n_attr claims 65535 elements.
        int xattrs = (int) (vdata + le(clean).getLong((int) DescriptorLayout.inodeOffset(1) + DescriptorLayout.XATTRS));
        byte[] bomb = clean.clone();
        le(bomb).putShort(xattrs, (short) 0xffff);
        openAndExplore(Files.write(dir.resolve("xattrs.cfs"), bomb), objects);
    }

    /**
     * A million names of one (empty) file in one directory as a descriptor, and a quarter of that as
     * EROFS (same code paths per entry; the test time is what limits it). Every name is listed and
     * stat'ed; every 16th is inspected through every view and read.
     */
    @Test
    void aMillionNamesOfOneInode() throws IOException {
        Path objects = objects();
        Path descriptor = dir.resolve("links.cfs");
        DescriptorWriter.write(links(LINKS), descriptor);
        assertEquals(LINKS + 1, openAndExplore(descriptor, objects, 16));
        Files.delete(descriptor);
        Path erofs = dir.resolve("links.erofs");
        new ErofsWriter().write(links(LINKS / 4), erofs);
        assertEquals(LINKS / 4 + 1, openAndExplore(erofs, objects, 16));
    }

    private static Tree links(int n) {
        Inode root = new Inode(0040755);
        Inode one = new Inode(0100644).nlink(n);
        for (int i = 0; i < n; i++) {
            root.addChild(Name.of(Integer.toString(i, 36)), one);
        }
        return new Tree(root);
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
