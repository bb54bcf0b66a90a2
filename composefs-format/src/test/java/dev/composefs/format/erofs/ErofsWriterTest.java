package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErofsWriterTest {
    @TempDir
    Path tmp;

    static Inode dir(int perms) {
        return new Inode(0040000 | perms);
    }

    static Inode file(byte[] content) {
        return new Inode(0100644).size(content.length).content(content);
    }

    static Inode external(long size, int digestSeed) {
        byte[] d = new byte[32];
        d[0] = (byte) digestSeed;
        FsVerityDigest digest = FsVerityDigest.of(FsVerityAlgorithm.SHA256, d);
        return new Inode(0100644).size(size).digest(digest).payload(digest.objectPath().getBytes(StandardCharsets.US_ASCII));
    }

    static Inode symlink(String target) {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        return new Inode(0120777).size(t.length).payload(t);
    }

    static byte[] image(Tree tree, ErofsWriterOptions options) throws IOException {
        return new ErofsWriter(options).toBytes(tree);
    }

    static ByteBuffer le(byte[] image) {
        return ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A tree with one of everything: dirs, inline and external files, symlink, devices, fifo, whiteout. */
    static Tree sampleTree() {
        Inode root = dir(0755).mtime(new Timespec(100, 5));
        root.xattrs().add(Xattr.of("user.a", new byte[] {'1'}));
        Inode d = dir(0700).uid(1000).gid(1000).mtime(new Timespec(200, 0));
        d.xattrs().add(Xattr.of("security.selinux", "x".getBytes(StandardCharsets.US_ASCII)));
        d.xattrs().add(Xattr.of("trusted.overlay.origin", "o".getBytes(StandardCharsets.US_ASCII)));
        root.addChild(Name.of("d"), d);
        d.addChild(Name.of("ext"), external(5000, 1).mtime(new Timespec(100, 5)));
        d.addChild(Name.of("inl"), file("hello".getBytes(StandardCharsets.US_ASCII)).uid(70000).mtime(new Timespec(100, 5)));
        d.addChild(Name.of("wh"), new Inode(0020000).mtime(new Timespec(100, 5)));
        root.addChild(Name.of("link"), symlink("/d/inl").mtime(new Timespec(100, 5)));
        root.addChild(Name.of("pipe"), new Inode(0010644).mtime(new Timespec(100, 5)));
        root.addChild(Name.of("dev"), new Inode(0020644).rdev(259).mtime(new Timespec(100, 5)));
        root.nlink(3);
        return new Tree(root);
    }

    @Test
    void emptyRootHasHeaderSuperblockAndStubs() throws Exception {
        Tree tree = new Tree(dir(0755).mtime(new Timespec(5, 7)));
        byte[] img = image(tree, ErofsWriterOptions.DEFAULT);
        ByteBuffer b = le(img);
        assertEquals(ComposefsHeader.LCFS_EROFS_MAGIC, b.getInt(0));
        assertEquals(1, b.getInt(ComposefsHeader.OFF_VERSION));
        assertEquals(0, b.getInt(ComposefsHeader.OFF_FLAGS));
        assertEquals(0, b.getInt(ComposefsHeader.OFF_COMPOSEFS_VERSION));
        int sb = ErofsLayout.EROFS_SUPER_OFFSET;
        assertEquals(ErofsLayout.EROFS_SUPER_MAGIC_V1, b.getInt(sb + Superblock.OFF_MAGIC));
        assertEquals(6, b.getInt(sb + Superblock.OFF_FEATURE_COMPAT));
        assertEquals(12, b.get(sb + Superblock.OFF_BLKSZBITS));
        assertEquals(36, b.getShort(sb + Superblock.OFF_ROOT_NID));
        assertEquals(257, b.getLong(sb + Superblock.OFF_INOS));
        assertEquals(5, b.getLong(sb + Superblock.OFF_BUILD_TIME));
        assertEquals(7, b.getInt(sb + Superblock.OFF_BUILD_TIME_NSEC));
        assertEquals(0, b.getInt(sb + Superblock.OFF_FEATURE_INCOMPAT));
        assertEquals(img.length, b.getInt(sb + Superblock.OFF_BLOCKS) * ErofsLayout.BLOCK_SIZE);

        ErofsTools.assumeInstalled();
        Path file = tmp.resolve("empty.img");
        Files.write(file, img);
        assertEquals(0, ErofsTools.fsck(file).exitCode());
        List<String> listing = listing(file, "/");
        assertEquals(258, listing.size());
        assertEquals("36 2 .", listing.get(0));
        assertEquals("36 2 ..", listing.get(1));
        assertTrue(listing.stream().skip(2).allMatch(l -> l.split(" ")[1].equals("3")), listing.toString());
        assertTrue(listing.get(257).endsWith(" ff"));
    }

    @Test
    void sampleTreePassesFsckAndExtractsFaithfully() throws Exception {
        ErofsTools.assumeInstalled();
        Path file = tmp.resolve("sample.img");
        new ErofsWriter().write(sampleTree(), file);
        assertEquals(0, ErofsTools.fsck(file).exitCode());
        Path out = tmp.resolve("extract");
        ErofsTools.Result extract = ErofsTools.fsck(file, "--extract=" + out, "--no-preserve");
        assertEquals(0, extract.exitCode(), extract.output());
        assertEquals("hello", Files.readString(out.resolve("d/inl")));
        assertEquals("/d/inl", Files.readSymbolicLink(out.resolve("link")).toString());
        assertTrue(Files.isRegularFile(out.resolve("d/wh")), "whiteout is stored as an escaped regular file");
        assertEquals(0, Files.size(out.resolve("d/wh")));

        String ext = ErofsTools.dump(file, "--path=/d/ext").output();
        assertTrue(ext.contains("Size: 5000") && ext.contains("Layout: 4"), ext);
        String inl = ErofsTools.dump(file, "--path=/d/inl").output();
        assertTrue(inl.contains("Layout: 2") && inl.contains("Inode size: 64") && inl.contains("Uid: 70000"), inl);
        String d = ErofsTools.dump(file, "--path=/d").output();
        assertTrue(d.contains("Links: 2") && d.contains("Uid: 1000") && d.contains("Access: 0700"), d);
        String root = ErofsTools.dump(file, "--path=/").output();
        assertTrue(root.contains("Links: 3"), root);
        List<String> dList = listing(file, "/d");
        assertEquals(List.of(".", "..", "ext", "inl", "wh"), dList.stream().map(l -> l.split(" ", 3)[2]).toList());
        assertEquals("36", dList.get(1).split(" ")[0], "/d/.. is the root");
        assertTrue(dList.get(4).startsWith(dList.get(4).split(" ")[0] + " 1 "), "whiteout listed as a regular file");
    }

    @Test
    void largeDirectorySpansSeveralBlocks() throws Exception {
        Inode root = dir(0755);
        Inode big = dir(0755);
        root.addChild(Name.of("big"), big);
        for (int i = 0; i < 600; i++) {
            big.addChild(Name.of(String.format("entry-with-a-rather-long-name-%05d", i)), file(new byte[] {(byte) i}));
        }
        ErofsTools.assumeInstalled();
        Path file = tmp.resolve("big.img");
        new ErofsWriter().write(new Tree(root), file);
        assertEquals(0, ErofsTools.fsck(file).exitCode());
        String info = ErofsTools.dump(file, "--path=/big").output();
        assertTrue(info.matches("(?s).*Size: \\d{5}.*"), info);
        List<String> listing = listing(file, "/big");
        assertEquals(602, listing.size());
        assertTrue(listing.get(601).endsWith("entry-with-a-rather-long-name-00599"));
    }

    @Test
    void hardLinksShareOneInode() throws Exception {
        Inode root = dir(0755);
        Inode a = dir(0755);
        Inode b = dir(0755);
        root.addChild(Name.of("a"), a);
        root.addChild(Name.of("b"), b);
        Inode shared = file("same".getBytes(StandardCharsets.US_ASCII)).nlink(2);
        a.addChild(Name.of("x"), shared);
        b.addChild(Name.of("y"), shared);
        ErofsTools.assumeInstalled();
        Path file = tmp.resolve("links.img");
        new ErofsWriter().write(new Tree(root), file);
        assertEquals(0, ErofsTools.fsck(file).exitCode());
        String x = listing(file, "/a").stream().filter(l -> l.endsWith(" x")).findFirst().orElseThrow();
        String y = listing(file, "/b").stream().filter(l -> l.endsWith(" y")).findFirst().orElseThrow();
        assertEquals(x.split(" ")[0], y.split(" ")[0]);
        assertEquals(256 + 4, le(Files.readAllBytes(file)).getLong(ErofsLayout.EROFS_SUPER_OFFSET + Superblock.OFF_INOS));
    }

    @Test
    void whiteoutsRaiseTheVersionWithinTheAllowedRange() throws IOException {
        Tree withWhiteout = sampleTree();
        assertEquals(1, composefsVersion(image(withWhiteout, ErofsWriterOptions.DEFAULT)));
        assertEquals(0, composefsVersion(image(withWhiteout, ErofsWriterOptions.exactly(0))));
        byte[] v0 = image(withWhiteout, ErofsWriterOptions.exactly(0));
        byte[] v1 = image(withWhiteout, ErofsWriterOptions.exactly(1));
        assertTrue(contains(v1, "overlay.overlay.opaque"));
        assertFalse(contains(v0, "overlay.overlay.opaque"));

        Tree plain = new Tree(dir(0755));
        assertEquals(0, composefsVersion(image(plain, ErofsWriterOptions.DEFAULT)));
        assertEquals(1, composefsVersion(image(plain, ErofsWriterOptions.exactly(1))));
        byte[] p0 = image(plain, ErofsWriterOptions.exactly(0));
        byte[] p1 = image(plain, ErofsWriterOptions.exactly(1));
        p1[ComposefsHeader.OFF_COMPOSEFS_VERSION] = 0;
        assertArrayEquals(p0, p1, "without whiteouts, v0 and v1 differ only in the header");
    }

    @Test
    void aclsSetTheHeaderFlag() throws IOException {
        Inode root = dir(0755);
        Inode f = file(new byte[] {1});
        f.xattrs().add(Xattr.of("system.posix_acl_access", new byte[] {2, 0, 0, 0}));
        root.addChild(Name.of("f"), f);
        assertEquals(ComposefsHeader.LCFS_EROFS_FLAGS_HAS_ACL, le(image(new Tree(root), ErofsWriterOptions.DEFAULT)).getInt(ComposefsHeader.OFF_FLAGS));
    }

    @Test
    void escapesOverlayXattrsAndAddsOverlayMetadata() throws IOException {
        byte[] img = image(sampleTree(), ErofsWriterOptions.DEFAULT);
        assertTrue(contains(img, "overlay.overlay.origin"));
        assertTrue(contains(img, "overlay.metacopy"));
        assertTrue(contains(img, "/01/00000000000000000000000000000000000000000000000000000000000000"), "redirect = / + payload");
    }

    @Test
    void xattrBodyHasFilterSharedIdsAndInlineEntries() throws Exception {
        Inode root = dir(0755);
        for (String n : List.of("a", "b")) {
            Inode f = new Inode(0100644).mtime(new Timespec(1, 0));
            for (int i = 0; i < 130; i++) {
                f.xattrs().add(Xattr.of(String.format("user.k%03d", i), new byte[] {(byte) i}));
            }
            root.addChild(Name.of(n), f);
        }
        Inode solo = new Inode(0100644);
        solo.xattrs().add(Xattr.of("user.foo", new byte[] {'v'}));
        root.addChild(Name.of("solo"), solo);
        ErofsTools.assumeInstalled();
        Path file = tmp.resolve("xattrs.img");
        new ErofsWriter().write(new Tree(root), file);
        assertEquals(0, ErofsTools.fsck(file).exitCode());
        ByteBuffer img = le(Files.readAllBytes(file));
        for (String n : List.of("a", "b")) {
            int body = (int) nid(file, "/" + n) * 32 + ErofsLayout.EXTENDED_INODE_SIZE;
            assertEquals(XattrLayout.MAX_SHARED_PER_INODE, img.get(body + XattrLayout.OFF_SHARED_COUNT) & 0xFF,
                    "at most 128 shared references, the rest inline");
            int inline = body + XattrLayout.IBODY_HEADER_SIZE + 4 * XattrLayout.MAX_SHARED_PER_INODE;
            assertEquals(4, img.get(inline + XattrLayout.OFF_ENTRY_NAME_LEN), "suffix 'k128'");
            assertEquals(XattrPrefix.USER.index(), img.get(inline + XattrLayout.OFF_ENTRY_NAME_INDEX));
        }
        int soloBody = (int) nid(file, "/solo") * 32 + ErofsLayout.COMPACT_INODE_SIZE;
        int fooBit = 0x6B6AB58C & 31;
        assertEquals(~(1 << fooBit), img.getInt(soloBody + XattrLayout.OFF_NAME_FILTER));
        assertEquals(0, img.get(soloBody + XattrLayout.OFF_SHARED_COUNT));
    }

    private static long nid(Path image, String path) throws Exception {
        String out = ErofsTools.dump(image, "--path=" + path).output();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("NID: (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void leavesTheCallersTreeUnchanged() throws IOException {
        Tree tree = sampleTree();
        String before = describe(tree);
        image(tree, ErofsWriterOptions.DEFAULT);
        assertEquals(before, describe(tree));
    }

    @Test
    void isDeterministicAcrossOutputKinds() throws IOException {
        byte[] a = image(sampleTree(), ErofsWriterOptions.DEFAULT);
        byte[] b = image(sampleTree(), ErofsWriterOptions.DEFAULT);
        assertArrayEquals(a, b);
        Path file = tmp.resolve("img");
        new ErofsWriter().write(sampleTree(), file);
        assertArrayEquals(a, Files.readAllBytes(file));
        ByteArrayOutputStream viaChannel = new ByteArrayOutputStream();
        new ErofsWriter().write(sampleTree(), Channels.newChannel(viaChannel));
        assertArrayEquals(a, viaChannel.toByteArray());
    }

    @Test
    void pathWriteReplacesAtomicallyAndCleansUpOnFailure() throws IOException {
        Path file = tmp.resolve("out.img");
        Files.writeString(file, "old");
        new ErofsWriter().write(sampleTree(), file);
        assertEquals(ComposefsHeader.LCFS_EROFS_MAGIC, le(Files.readAllBytes(file)).getInt(0));

        Inode root = dir(0755);
        Inode d = dir(0755);
        root.addChild(Name.of("a"), d);
        root.addChild(Name.of("b"), d);
        Path bad = tmp.resolve("bad.img");
        assertThrows(IllegalArgumentException.class, () -> new ErofsWriter().write(new Tree(root), bad));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(file), s.toList(), "no image and no temporary file after a failure");
        }
    }

    @Test
    void rejectsTreesComposefsCannotStore() {
        ErofsWriter w = new ErofsWriter();
        Inode r1 = dir(0755);
        r1.addChild(Name.of("f"), new Inode(0100644).size(10).content(new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> w.write(new Tree(r1), new ByteArrayOutputStream()));
        Inode r2 = dir(0755);
        r2.addChild(Name.of("l"), new Inode(0120777));
        assertThrows(IllegalArgumentException.class, () -> w.write(new Tree(r2), new ByteArrayOutputStream()));
        Inode r3 = dir(0755);
        r3.addChild(Name.of("huge"), new Inode(0100644).size(-1L));
        assertThrows(IllegalArgumentException.class, () -> w.write(new Tree(r3), new ByteArrayOutputStream()));
        Inode r4 = dir(0755);
        r4.xattrs().add(Xattr.of("user.v", new byte[65536]));
        assertThrows(IllegalArgumentException.class, () -> w.write(new Tree(r4), new ByteArrayOutputStream()));
        assertThrows(IllegalArgumentException.class, () -> new ErofsWriterOptions(1, 0));
        assertThrows(IllegalArgumentException.class, () -> new ErofsWriterOptions(0, 2));
    }

    private static int composefsVersion(byte[] image) {
        return le(image).getInt(ComposefsHeader.OFF_COMPOSEFS_VERSION);
    }

    private static boolean contains(byte[] image, String s) {
        byte[] needle = s.getBytes(StandardCharsets.ISO_8859_1);
        outer:
        for (int i = 0; i + needle.length <= image.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (image[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** {@code dump.erofs --ls} as "NID TYPE NAME" lines, the header dropped. */
    static List<String> listing(Path image, String path) throws IOException, InterruptedException {
        String out = ErofsTools.dump(image, "--ls", "--path=" + path).output();
        return out.lines().map(String::trim).filter(l -> l.matches("\\d+ +\\d+ +.*"))
                .map(l -> l.replaceAll(" +", " ")).toList();
    }

    /** Every field of every inode, in walk order: to detect any change to the caller's tree. */
    static String describe(Tree tree) {
        StringBuilder sb = new StringBuilder();
        tree.walk((path, n) -> sb.append(new String(path, StandardCharsets.ISO_8859_1)).append(' ')
                .append(Integer.toOctalString(n.mode())).append(' ').append(n.nlink()).append(' ').append(n.uid())
                .append(' ').append(n.gid()).append(' ').append(n.rdev()).append(' ').append(n.size()).append(' ')
                .append(n.mtime()).append(' ').append(n.digest()).append(' ')
                .append(n.payload() == null ? "-" : new String(n.payload(), StandardCharsets.ISO_8859_1)).append(' ')
                .append(n.content() == null ? "-" : java.util.HexFormat.of().formatHex(n.content())).append(' ')
                .append(n.xattrs()).append(' ').append(n.children().keySet()).append('\n'));
        return sb.toString();
    }
}
