package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the reader puts in the tree. */
class DumpReaderTest {
    static final String ROOT = "/ 4096 40755 3 0 0 0 1.5 - - -\n";
    static final String DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static Tree strict(String text) throws IOException {
        return DumpReader.strict().read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "t.dump");
    }

    static Tree lenient(String text) throws IOException {
        return DumpReader.lenient().read(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "t.dump");
    }

    static Inode at(Tree t, String path) {
        Inode i = t.lookup(path.getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(i != null, "no " + path);
        return i;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void readsEveryFieldOfEveryType() throws IOException {
        Tree t = strict(ROOT
                + "/d 8192 40700 2 1000 1001 0 -5.7 - - - user.b=2 security.selinux=x\\x00 user.a=1\n"
                + "/d/file 12345 100644 1 4294967295 7 0 1700000000.999999999 " + DIGEST.substring(0, 2) + "/" + DIGEST.substring(2) + " - " + DIGEST + "\n"
                + "/d/inline 3 100600 1 0 0 0 0.0 - a\\x20b -\n"
                + "/d/empty 0 100600 1 0 0 0 0.0 - - -\n"
                + "/link 6 120777 1 0 0 0 0.0 ../d/\\xff - -\n"
                + "/null 0 20666 1 0 0 259 0.0 - - -\n"
                + "/sda 0 60660 1 0 6 2048 0.0 - - -\n"
                + "/whiteout 0 20000 1 0 0 0 0.0 - - -\n"
                + "/fifo 0 10644 1 0 0 0 0.0 - - -\n"
                + "/sock 0 140755 1 0 0 0 0.0 - - -\n");
        Inode root = t.root();
        assertEquals(040755, root.mode());
        assertEquals(3, root.nlink());
        assertEquals(4096, root.size());
        assertEquals(new Timespec(1, 5), root.mtime());

        Inode d = at(t, "/d");
        assertEquals(8192, d.size(), "directory size as written");
        assertEquals(1000, d.uid());
        assertEquals(1001, d.gid());
        assertEquals(new Timespec(-5, 7), d.mtime());
        assertEquals(d.mtime(), d.ctime(), "ctime = mtime");
        assertEquals(List.of(Xattr.of("security.selinux", new byte[] {'x', 0}), Xattr.of("user.a", ascii("1")), Xattr.of("user.b", ascii("2"))),
                d.xattrs(), "sorted by key");

        Inode file = at(t, "/d/file");
        assertEquals(FileType.REGULAR, file.type());
        assertEquals(12345, file.size());
        assertEquals(4294967295L, file.uid());
        assertEquals(new Timespec(1700000000, 999999999), file.mtime());
        assertArrayEquals(ascii(DIGEST.substring(0, 2) + "/" + DIGEST.substring(2)), file.payload());
        assertEquals(FsVerityAlgorithm.SHA256, file.digest().algorithm());
        assertEquals(DIGEST, file.digest().hex());
        assertNull(file.content());

        Inode inline = at(t, "/d/inline");
        assertArrayEquals(ascii("a b"), inline.content());
        assertNull(inline.payload());
        assertEquals(3, inline.size());

        Inode empty = at(t, "/d/empty");
        assertNull(empty.content());
        assertNull(empty.payload());
        assertNull(empty.digest());

        Inode link = at(t, "/link");
        assertEquals(FileType.SYMLINK, link.type());
        assertArrayEquals(new byte[] {'.', '.', '/', 'd', '/', (byte) 0xff}, link.payload());
        assertEquals(6, link.size());

        assertEquals(259, at(t, "/null").rdev());
        assertEquals(FileType.BLOCK_DEVICE, at(t, "/sda").type());
        assertEquals(2048, at(t, "/sda").rdev());
        assertEquals(6, at(t, "/sda").gid());
        assertEquals(0, at(t, "/whiteout").rdev());
        assertEquals(FileType.FIFO, at(t, "/fifo").type());
        assertEquals(FileType.SOCKET, at(t, "/sock").type());
    }

    @Test
    void hardLinksResolveForwardAndThroughChains() throws IOException {
        Tree t = strict(ROOT
                + "/a 0 @100644 0 0 0 0 0.0 /c - -\n"
                + "/b - @120777 - - - - - /a - -\n"
                + "/c 3 100644 7 0 0 0 0.0 - abc -\n"
                + "/d 3 100644 1 0 0 0 0.0 - xyz -\n");
        Inode c = at(t, "/c");
        assertSame(c, at(t, "/a"));
        assertSame(c, at(t, "/b"));
        assertEquals(7, c.nlink(), "the target keeps its NLINK as written");
        assertArrayEquals(ascii("abc"), c.content());
        assertTrue(c != at(t, "/d"));
    }

    @Test
    void nameOrderIsByteOrderAndEntriesComeBack() throws IOException {
        Tree t = strict(ROOT + "/b 0 100644 1 0 0 0 0.0 - - -\n/\\xe9 0 100644 1 0 0 0 0.0 - - -\n/B 0 100644 1 0 0 0 0.0 - - -\n");
        assertEquals(List.of(Name.of("B"), Name.of("b"), Name.of(new byte[] {(byte) 0xe9})), List.copyOf(t.root().children().keySet()));
    }

    @Test
    void xattrFieldsSplitAtTheFirstEqualsAndKeepLiteralDashAndEmpty() throws IOException {
        Tree t = strict(ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.eq=a=b user.dash=- user.empty= user.k\\x3dey=v\n");
        List<Xattr> x = at(t, "/a").xattrs();
        assertEquals(List.of(Xattr.of("user.dash", ascii("-")), Xattr.of("user.empty", new byte[0]),
                Xattr.of("user.eq", ascii("a=b")), Xattr.of("user.k=ey", ascii("v"))), x);
    }

    @Test
    void oneTrailingSpaceIsHarmlessAndCarriageReturnsAreKept() throws IOException {
        Tree t = strict(ROOT + "/a 0 100644 1 0 0 0 0.0 - - - \n/b 0 100644 1 0 0 0 0.0 - - - user.x=1 \n/c 0 100644 1 0 0 0 0.0 - - - user.cr=v\r\n");
        assertEquals(List.of(), at(t, "/a").xattrs());
        assertEquals(List.of(Xattr.of("user.x", ascii("1"))), at(t, "/b").xattrs());
        assertEquals(List.of(Xattr.of("user.cr", ascii("v\r"))), at(t, "/c").xattrs());
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> strict(ROOT + "/a 0 100644 1 0 0 0 0.0 - - -\r\n"));
        assertTrue(e.reason().startsWith("Invalid DIGEST '-\\r'"), e.getMessage());
    }

    @Test
    void unusedFieldsAreDropped() throws IOException {
        Tree t = lenient(ROOT
                + "/dir 4096 40755 2 0 0 99 0.0 some/payload - " + DIGEST + "\n"
                + "/chr 1 20644 1 0 0 5 0.0 payload x " + DIGEST + "\n"
                + "/inline 1 100644 1 0 0 0 0.0 back/ing y " + DIGEST + "\n"
                + "/empty 0 100644 1 0 0 0 0.0 - - " + DIGEST + "\n"
                + "/link 99 120777 1 0 0 0 0.0 target - " + DIGEST + "\n");
        Inode dir = at(t, "/dir");
        assertNull(dir.payload());
        assertNull(dir.digest());
        assertEquals(0, dir.rdev(), "rdev of a non-device ignored (lenient)");
        Inode chr = at(t, "/chr");
        assertEquals(0, chr.size(), "devices have size 0");
        assertNull(chr.payload());
        assertNull(chr.content());
        assertNull(chr.digest());
        assertEquals(5, chr.rdev());
        Inode inline = at(t, "/inline");
        assertNull(inline.payload(), "content wins over payload");
        assertNull(inline.digest());
        assertNull(at(t, "/empty").digest(), "no digest on an empty file");
        Inode link = at(t, "/link");
        assertEquals(6, link.size(), "symlink size is the target length");
        assertNull(link.digest());
    }

    @Test
    void lenientReadsNumbersLikeStrtoull() throws IOException {
        Tree t = lenient("/ 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/a 0 100644 +1 \t7 -1 0 -2.4294967297 - - -\n"
                + "/b 0 20644 1 4294967296 18446744073709551616 8589934593 0.0 - - -\n"
                + "/c 0 3100644 1 0 0 0 0.0 - - -\n");
        Inode a = at(t, "/a");
        assertEquals(1, a.nlink());
        assertEquals(7, a.uid());
        assertEquals(4294967295L, a.gid(), "-1 wraps and keeps 32 bits");
        assertEquals(new Timespec(-2, 1), a.mtime(), "nanoseconds keep 32 bits");
        Inode b = at(t, "/b");
        assertEquals(0, b.uid(), "2^32 truncated");
        assertEquals(4294967295L, b.gid(), "overflow saturates");
        assertEquals(1, b.rdev(), "rdev keeps 32 bits");
        assertEquals(03100644, at(t, "/c").mode(), "high mode bits kept, as C keeps them");
    }

    @Test
    void lenientAcceptsTheNonStrictVectorsQuirks() throws IOException {
        Tree t = lenient("/ 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/a 0 40755 2 0 0 0 0.0 - - -\n"
                + "/a//b 0 100644 1 0 0 0 0.0 - - - user.x=1 user.x=2\n"
                + "/c 0 20644 1 0 0 0 0.0 aaa\n"
                + "/l 0 @100644 0 0 0 0 0.0 //a///b - -");
        assertEquals(List.of(Xattr.of("user.x", ascii("2"))), at(t, "/a/b").xattrs(), "a later xattr replaces an earlier one");
        assertEquals(FileType.CHAR_DEVICE, at(t, "/c").type());
        assertSame(at(t, "/a/b"), at(t, "/l"));
    }

    @Test
    void sha512DigestsAreAccepted() throws IOException {
        Tree t = strict(ROOT + "/a 1 100644 1 0 0 0 0.0 x - " + DIGEST + DIGEST.toUpperCase() + "\n");
        assertEquals(FsVerityAlgorithm.SHA512, at(t, "/a").digest().algorithm());
    }

    @Test
    void readsFilesAndGzippedFilesNamingThemInErrors(@TempDir Path dir) throws IOException {
        String text = ROOT + "/a 0 100644 1 0 0 0 0.0 - - -\n";
        Path plain = dir.resolve("t.dump");
        Files.writeString(plain, text, StandardCharsets.US_ASCII);
        Path gz = dir.resolve("t.dump.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text.getBytes(StandardCharsets.US_ASCII));
        }
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DumpWriter.write(DumpReader.strict().read(plain), a);
        DumpWriter.write(DumpReader.strict().read(gz), b);
        assertEquals(text, a.toString(StandardCharsets.US_ASCII));
        assertEquals(text, b.toString(StandardCharsets.US_ASCII));

        Path broken = dir.resolve("broken.dump.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(broken))) {
            out.write((text + "/a/b 0 100644 1 0 0 0 0.0 - - -\n").getBytes(StandardCharsets.US_ASCII));
        }
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpReader.strict().read(broken));
        assertEquals(broken + ":3: Parent must be a directory for /a/b", e.getMessage());
    }
}
