package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exact text the writer prints, field by field, as composefs-info dump does. */
class DumpWriterTest {
    static final String DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String dump(Tree t) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter.write(t, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    static Tree sample() {
        Inode root = new Inode(040755).nlink(3).size(4096).mtime(new Timespec(1633950376, 0));
        root.xattrs().add(Xattr.of("user.z", ascii("last")));
        root.xattrs().add(Xattr.of("trusted.a", ascii("=x=")));
        Inode dir = new Inode(040700).nlink(2).size(123).uid(4294967295L).gid(65536).mtime(new Timespec(-1, 5));
        root.addChild(Name.of("d i r"), dir);
        Inode file = new Inode(0100644).size(1L << 40).mtime(new Timespec(1700000000, 999999999))
                .payload(ascii("01/23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
                .digest(FsVerityDigest.parse(DIGEST)).nlink(2);
        dir.addChild(Name.of("file"), file);
        dir.addChild(Name.of("zlink"), file);
        root.addChild(Name.of("alink"), file);
        root.addChild(Name.of("dash"), new Inode(0100600).size(1).content(ascii("-")));
        root.addChild(Name.of("empty"), new Inode(0100600).content(new byte[0]).payload(new byte[0]));
        root.addChild(Name.of(new byte[] {'b', (byte) 0xff, '\\', '\n'}), new Inode(0120777).size(1).payload(ascii("-")));
        root.addChild(Name.of("null"), new Inode(020666).rdev(259));
        root.addChild(Name.of("wh"), new Inode(020000));
        Inode inline = new Inode(0100644).size(6).content(new byte[] {'a', ' ', '=', '\t', 0, (byte) 0x80});
        inline.xattrs().add(Xattr.of(Name.of(new byte[] {'u', 's', 'e', 'r', '.', '=', ' '}), new byte[] {'-'}));
        root.addChild(Name.of("inline"), inline);
        return new Tree(root);
    }

    @Test
    void printsEveryFieldLikeComposefsInfo() throws IOException {
        String expected = String.join("\n",
                "/ 4096 40755 3 0 0 0 1633950376.0 - - - user.z=last trusted.a=\\x3dx\\x3d",
                "/alink 1099511627776 100644 2 0 0 0 1700000000.999999999 01/23456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef - " + DIGEST,
                "/b\\xff\\\\\\n 1 120777 1 0 0 0 0.0 \\x2d - -",
                "/d\\x20i\\x20r 123 40700 2 4294967295 65536 0 -1.5 - - -",
                "/d\\x20i\\x20r/file 1099511627776 @100644 2 0 0 0 1700000000.999999999 /alink - " + DIGEST,
                "/d\\x20i\\x20r/zlink 1099511627776 @100644 2 0 0 0 1700000000.999999999 /alink - " + DIGEST,
                "/dash 1 100600 1 0 0 0 0.0 - \\x2d -",
                "/empty 0 100600 1 0 0 0 0.0 - - -",
                "/inline 6 100644 1 0 0 0 0.0 - a\\x20=\\t\\x00\\x80 - user.\\x3d\\x20=-",
                "/null 0 20666 1 0 0 259 0.0 - - -",
                "/wh 0 20000 1 0 0 0 0.0 - - -",
                "");
        assertEquals(expected, dump(sample()));
    }

    @Test
    void extremeNumbersPrintInFull() throws IOException {
        Inode root = new Inode(040755).size(-1L).nlink(4294967295L).rdev(0).mtime(new Timespec(Long.MIN_VALUE, -1));
        assertEquals("/ 18446744073709551615 40755 4294967295 0 0 0 -9223372036854775808.4294967295 - - -\n", dump(new Tree(root)));
        root = new Inode(040755).mtime(new Timespec(Long.MAX_VALUE, 0));
        assertEquals("/ 0 40755 1 0 0 0 9223372036854775807.0 - - -\n", dump(new Tree(root)));
    }

    @Test
    void longValuesAreEscapedAcrossBufferBoundaries() throws IOException {
        byte[] content = new byte[5000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) i;
        }
        Inode root = new Inode(040755);
        for (int n = 0; n < 40; n++) {
            root.addChild(Name.of(String.format("f%02d", n)), new Inode(0100644).size(content.length).content(content));
        }
        Tree tree = new Tree(root);
        String text = dump(tree);
        String line = "0 100644 1 0 0 0 0.0 - " + new String(DumpEscaping.escape(content, DumpEscaping.Field.CONTENT), StandardCharsets.US_ASCII) + " -\n";
        StringBuilder expected = new StringBuilder("/ 0 40755 1 0 0 0 0.0 - - -\n");
        for (int n = 0; n < 40; n++) {
            expected.append(String.format("/f%02d 5000 ", n)).append(line.substring(2));
        }
        assertEquals(expected.toString(), text);
        assertEquals(text, dump(DumpReader.strict().read(new java.io.ByteArrayInputStream(ascii(text)))));
    }

    @Test
    void streamsEntriesAndHardLinks() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter w = new DumpWriter(out);
        Inode f = new Inode(0100644).size(2).content(ascii("hi")).nlink(2);
        w.entry(ascii("/"), new Inode(040755));
        w.entry(ascii("/a"), f);
        w.hardLink(ascii("/b"), f, ascii("/a"));
        w.flush();
        assertEquals("/ 0 40755 1 0 0 0 0.0 - - -\n/a 2 100644 2 0 0 0 0.0 - hi -\n/b 2 @100644 2 0 0 0 0.0 /a hi -\n",
                out.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void writesFilesAtomically(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("out.dump");
        Files.writeString(file, "old");
        DumpWriter.write(sample(), file);
        assertEquals(dump(sample()), Files.readString(file, StandardCharsets.ISO_8859_1));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(1, s.count(), "no temporary file left behind");
        }
    }
}
