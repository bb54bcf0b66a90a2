package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two views of a composefs image, on a hand-made tree with every kind of entry. */
class ErofsReaderTest {
    @TempDir
    Path tmp;

    static final FsVerityDigest DIGEST = FsVerityDigest.of(FsVerityAlgorithm.SHA256, new byte[32]);
    static final FsVerityDigest DIGEST512 = FsVerityDigest.of(FsVerityAlgorithm.SHA512, new byte[64]);

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A small tree with every kind of entry composefs stores, including whiteouts and overlay xattrs. */
    static Tree sampleTree() {
        Timespec t = new Timespec(1700000000, 5);
        Inode root = new Inode(040755).mtime(t).ctime(t).nlink(4);
        root.xattrs().add(Xattr.of("security.selinux", ascii("system_u:object_r:root_t:s0\0")));
        Inode dir = new Inode(040700).uid(1000).gid(1000).mtime(t).ctime(t).nlink(2);
        dir.xattrs().add(Xattr.of("user.note", ascii("kept")));
        root.addChild(Name.of("dir"), dir);
        Inode inline = new Inode(0100644).size(5).content(ascii("hello")).mtime(t).ctime(t).nlink(2);
        inline.xattrs().add(Xattr.of("user.shared", ascii("v")));
        root.addChild(Name.of("inline"), inline);
        dir.addChild(Name.of("inline-link"), inline);
        Inode external = new Inode(0100755).size(123456).payload(ascii(DIGEST.objectPath())).digest(DIGEST).mtime(t).ctime(t);
        external.xattrs().add(Xattr.of("user.shared", ascii("v")));
        external.xattrs().add(Xattr.of("trusted.overlay.redirect", ascii("/user/value")));
        root.addChild(Name.of("external"), external);
        root.addChild(Name.of("sha512"), new Inode(0100644).size(1).payload(ascii("some/where")).digest(DIGEST512).mtime(t).ctime(t));
        root.addChild(Name.of("nopath"), new Inode(0100644).size(9_000_000_000_000_000L).mtime(t).ctime(t));
        root.addChild(Name.of("empty"), new Inode(0100600).mtime(t).ctime(t));
        root.addChild(Name.of("symlink"), new Inode(0120777).size(6).payload(ascii("inline")).mtime(t).ctime(t));
        root.addChild(Name.of("chr"), new Inode(020600).rdev(0x0103).mtime(t).ctime(t));
        root.addChild(Name.of("fifo"), new Inode(010644).mtime(t).ctime(t));
        Inode whiteout = new Inode(020000).mtime(t).ctime(t);
        whiteout.xattrs().add(Xattr.of("user.w", ascii("1")));
        dir.addChild(Name.of("gone"), whiteout);
        Inode sub = new Inode(040755).mtime(t).ctime(t).nlink(2);
        sub.xattrs().add(Xattr.of("trusted.overlay.opaque", ascii("y")));
        root.addChild(Name.of("sub"), sub);
        return new Tree(root);
    }

    static byte[] sampleImage(ErofsWriterOptions options) throws IOException {
        return ErofsReaderRoundTripTest.image(sampleTree(), options);
    }

    private static Map<String, String> xattrs(Image img, long ino) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Xattr x : img.xattrs(ino)) {
            m.put(x.name().toString(), new String(x.value(), StandardCharsets.ISO_8859_1));
        }
        return m;
    }

    private static long at(Image img, String path) throws IOException {
        long ino = img.rootInode();
        for (String part : path.split("/")) {
            ino = img.lookup(ino, Name.of(part));
            if (ino < 0) {
                return -1;
            }
        }
        return ino;
    }

    private static List<String> list(Image img, long dir) throws IOException {
        List<String> names = new ArrayList<>();
        DirectoryCursor c = img.openDirectory(dir);
        while (c.next()) {
            names.add(c.name().toString());
        }
        return names;
    }

    @Test
    void mountedViewShowsTheTreeTheImageWasMadeFrom() throws IOException {
        Path file = tmp.resolve("sample.img");
        Files.write(file, sampleImage(ErofsWriterOptions.DEFAULT));
        try (Image img = Image.open(file)) {
            assertEquals(ImageFormat.EROFS, img.format());
            assertEquals(1, ((ErofsReader) img).composefsVersion());
            assertEquals(ImageView.MOUNTED, ((ErofsReader) img).view());
            ErofsReaderRoundTripTest.EXACT.assertEqual(sampleTree(), ImageTree.read(img));
            long root = img.rootInode();
            assertEquals(List.of("chr", "dir", "empty", "external", "fifo", "inline", "nopath", "sha512", "sub", "symlink"), list(img, root));
            assertEquals(-1, img.lookup(root, Name.of("00")));
            assertEquals(-1, img.lookup(root, Name.of(".")));
            assertEquals(-1, img.lookup(root, Name.of("..")));
            assertEquals(Map.of("security.selinux", "system_u:object_r:root_t:s0\0"), xattrs(img, root));
            assertEquals(Map.of("user.note", "kept"), xattrs(img, at(img, "dir")));
            assertEquals(Map.of("trusted.overlay.opaque", "y"), xattrs(img, at(img, "sub")));
            assertEquals(Map.of("user.shared", "v", "trusted.overlay.redirect", "/user/value"), xattrs(img, at(img, "external")));

            long gone = at(img, "dir/gone");
            Stat st = img.stat(gone);
            assertEquals(020000, st.mode());
            assertEquals(0, st.rdev());
            assertEquals(Map.of("user.w", "1"), xattrs(img, gone));
            assertThrows(FileSystemException.class, () -> img.content(gone));

            assertEquals(new Content.Backing(ascii(DIGEST.objectPath()), DIGEST), img.content(at(img, "external")));
            assertEquals(new Content.Backing(ascii("some/where"), DIGEST512), img.content(at(img, "sha512")));
            assertEquals(new Content.Backing(new byte[0], null), img.content(at(img, "nopath")));
            assertNull(ImageTree.read(img).root().child(Name.of("nopath")).payload());
            assertEquals(9_000_000_000_000_000L, img.stat(at(img, "nopath")).size());
            assertEquals(new Content.Inline(ascii("hello")), img.content(at(img, "inline")));
            assertEquals(at(img, "inline"), at(img, "dir/inline-link"));
            assertEquals(Content.EMPTY, img.content(at(img, "empty")));
            assertArrayEquals(ascii("inline"), img.readSymlink(at(img, "symlink")));
            assertEquals(0x0103, img.stat(at(img, "chr")).rdev());

            assertThrows(NotDirectoryException.class, () -> img.openDirectory(at(img, "inline")));
            assertThrows(NotDirectoryException.class, () -> img.lookup(at(img, "inline"), Name.of("x")));
            assertThrows(NotLinkException.class, () -> img.readSymlink(root));
            assertThrows(FileSystemException.class, () -> img.content(root));
            // Numbers whose slot lies outside the file are refused; one inside it that starts no inode
            // (here the slot at the very end) is damage as far as the reader can tell.
            ErofsVolume volume = ErofsVolume.read(ImageData.wrap(Files.readAllBytes(file), file));
            long lastSlot = (Files.size(file) - volume.metaBase()) / ErofsLayout.INODE_SLOT_SIZE;
            assertThrows(IllegalArgumentException.class, () -> img.stat(-1));
            assertThrows(IllegalArgumentException.class, () -> img.stat(lastSlot + 1));
            assertEquals(lastSlot, assertThrows(CorruptImageException.class, () -> img.fileType(lastSlot)).inode());
            assertEquals(12, ImageWalk.distinctInodes(img));
            assertEquals(12 + 256, img.inodeCount(), "the stored count, root stubs included");
        }
    }

    @Test
    void rawViewShowsTheFilesystemAsStored() throws IOException {
        byte[] bytes = sampleImage(ErofsWriterOptions.DEFAULT);
        try (Image img = Image.open(ImageData.wrap(bytes, Path.of("sample.img")), ImageView.RAW);
             Image mounted = Image.open(ImageData.wrap(bytes, Path.of("sample.img")))) {
            long root = img.rootInode();
            List<String> names = list(img, root);
            assertEquals(256 + 10, names.size());
            assertTrue(names.contains("00") && names.contains("ff"));
            long stub = at(img, "7f");
            Stat st = img.stat(stub);
            assertEquals(020644, st.mode());
            assertEquals(0, st.rdev());
            assertEquals(Map.of("security.selinux", "system_u:object_r:root_t:s0\0"), xattrs(img, stub));
            assertThrows(IllegalArgumentException.class, () -> mounted.stat(stub));
            assertEquals(12 + 256, img.inodeCount());

            assertEquals(Map.of("security.selinux", "system_u:object_r:root_t:s0\0", "trusted.overlay.opaque", "y"), xattrs(img, root));
            assertEquals(Map.of("trusted.overlay.overlay.opaque", "x", "trusted.overlay.overlay.whiteouts", "",
                    "user.overlay.opaque", "x", "user.overlay.whiteouts", "", "user.note", "kept"), xattrs(img, at(img, "dir")));
            long gone = at(img, "dir/gone");
            assertEquals(0100000, img.stat(gone).mode());
            assertEquals(Map.of("trusted.overlay.overlay.whiteout", "", "user.overlay.whiteout", "", "user.w", "1"), xattrs(img, gone));
            assertEquals(Content.EMPTY, img.content(gone));
            Map<String, String> ext = xattrs(img, at(img, "external"));
            assertEquals("/" + DIGEST.objectPath(), ext.get("trusted.overlay.redirect"));
            assertEquals(36, ext.get("trusted.overlay.metacopy").length());
            assertEquals("/user/value", ext.get("trusted.overlay.overlay.redirect"));
            assertEquals(new Content.Backing(ascii(DIGEST.objectPath()), DIGEST), img.content(at(img, "external")));
        }
    }

    @Test
    void versionZeroLeavesNoOpaqueMarker() throws IOException {
        byte[] bytes = sampleImage(ErofsWriterOptions.exactly(0));
        try (ErofsReader img = ErofsReader.open(ImageData.wrap(bytes, Path.of("v0.img")), ImageView.RAW);
             ErofsReader mounted = ErofsReader.open(ImageData.wrap(bytes, Path.of("v0.img")))) {
            assertEquals(0, img.composefsVersion());
            assertFalse(xattrs(img, at(img, "dir")).containsKey("user.overlay.opaque"));
            assertEquals(Map.of("user.note", "kept"), xattrs(mounted, at(mounted, "dir")));
            assertEquals(Map.of("trusted.overlay.overlay.whiteouts", "", "user.overlay.whiteouts", "", "user.note", "kept"),
                    xattrs(img, at(img, "dir")));
        }
    }

    @Test
    void userWhiteoutXattrOnAnOrdinaryFileIsKept() throws IOException {
        Inode root = new Inode(040755).nlink(2);
        Inode f = new Inode(0100644);
        f.xattrs().add(Xattr.of("trusted.overlay.whiteout", new byte[0]));
        root.addChild(Name.of("f"), f);
        byte[] bytes = ErofsReaderRoundTripTest.image(new Tree(root), ErofsWriterOptions.DEFAULT);
        try (Image img = Image.open(ImageData.wrap(bytes, Path.of("w.img")))) {
            long ino = at(img, "f");
            assertEquals(FileType.REGULAR, img.stat(ino).type());
            assertEquals(Map.of("trusted.overlay.whiteout", ""), xattrs(img, ino));
        }
    }

    @Test
    void lookupFindsEveryEntryOfMultiBlockDirectories() throws IOException {
        Inode root = new Inode(040755).nlink(2);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String n = String.format("%05d-%s", i * 7, "z".repeat(i % 40));
            names.add(n);
            root.addChild(Name.of(n), new Inode(0100644));
        }
        byte[] bytes = ErofsReaderRoundTripTest.image(new Tree(root), ErofsWriterOptions.DEFAULT);
        try (Image img = Image.open(ImageData.wrap(bytes, Path.of("big.img")))) {
            names.sort(null);
            assertEquals(names, list(img, img.rootInode()));
            for (String n : names) {
                assertNotEquals(-1, img.lookup(img.rootInode(), Name.of(n)), n);
                assertEquals(-1, img.lookup(img.rootInode(), Name.of(n + "!")), n);
                assertEquals(-1, img.lookup(img.rootInode(), Name.of(n.substring(0, n.length() - 1))), n);
            }
            assertEquals(-1, img.lookup(img.rootInode(), Name.of("")));
            assertEquals(-1, img.lookup(img.rootInode(), Name.of("!")));
            assertEquals(-1, img.lookup(img.rootInode(), Name.of("\u00ff")));
        }
    }

    /**
     * Patches the sample so that {@code dir}'s inline {@code user.note} entry uses long prefix 0
     * ({@code trusted.} + {@code infix}) from a prefix table placed in the padding before the first data
     * block; the inode's name filter is cleared since the name changes.
     */
    private static byte[] withLongPrefix(int baseIndex, byte[] infix, int entryIndex) throws IOException {
        byte[] b = sampleImage(ErofsWriterOptions.DEFAULT);
        java.nio.ByteBuffer le = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ImageData data = ImageData.wrap(b, Path.of("prefix.img"));
        ErofsVolume volume = ErofsVolume.read(data);
        long dirNid;
        long dataStart;
        try (ErofsReader raw = ErofsReader.open(ImageData.wrap(b.clone(), Path.of("prefix.img")), ImageView.RAW)) {
            dirNid = at(raw, "dir");
            dataStart = ErofsInode.read(data, volume, raw.rootInode()).u() * ErofsLayout.BLOCK_SIZE;
        }
        int table = (int) dataStart - 8;
        for (int i = table; i < dataStart; i++) {
            assertEquals(0, b[i], "padding before the first data block");
        }
        le.putShort(table, (short) (1 + infix.length));
        b[table + 2] = (byte) baseIndex;
        System.arraycopy(infix, 0, b, table + 3, infix.length);
        int sb = ErofsLayout.EROFS_SUPER_OFFSET;
        le.putInt(sb + Superblock.OFF_FEATURE_INCOMPAT, (int) ErofsVolume.EROFS_FEATURE_INCOMPAT_XATTR_PREFIXES);
        b[sb + Superblock.OFF_XATTR_PREFIX_COUNT] = 1;
        le.putInt(sb + Superblock.OFF_XATTR_PREFIX_START, table / 4);
        ErofsInode dir = ErofsInode.read(data, volume, dirNid);
        le.putInt((int) dir.xattrOffset() + XattrLayout.OFF_NAME_FILTER, 0);
        long at = dir.xattrOffset() + XattrLayout.IBODY_HEADER_SIZE
                + 4L * (b[(int) dir.xattrOffset() + XattrLayout.OFF_SHARED_COUNT] & 0xff);
        while (!(b[(int) at + 1] == XattrPrefix.USER.index() && b[(int) at] == 4
                && new String(b, (int) at + 4, 4, StandardCharsets.US_ASCII).equals("note"))) {
            at += (4 + (b[(int) at] & 0xff) + (le.getShort((int) at + 2) & 0xffff) + 3) & ~3;
        }
        b[(int) at + 1] = (byte) (0x80 | entryIndex);
        return b;
    }

    @Test
    void longXattrPrefixesAreRead() throws IOException {
        byte[] b = withLongPrefix(XattrPrefix.TRUSTED.index(), ascii("x."), 0);
        try (Image raw = Image.open(ImageData.wrap(b, Path.of("prefix.img")), ImageView.RAW);
             Image mounted = Image.open(ImageData.wrap(b, Path.of("prefix.img")))) {
            assertEquals("kept", xattrs(raw, at(raw, "dir")).get("trusted.x.note"));
            assertEquals(Map.of("trusted.x.note", "kept"), xattrs(mounted, at(mounted, "dir")));
        }
        // An entry naming a long prefix the table lacks is found when its inode's xattrs are read.
        try (Image img = Image.open(ImageData.wrap(withLongPrefix(XattrPrefix.TRUSTED.index(), ascii("x."), 1), Path.of("p.img")))) {
            long dir = at(img, "dir");
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> img.xattrs(dir));
            assertEquals(dir, e.inode());
            assertTrue(e.getMessage().contains("long prefix 1"), e.getMessage());
        }
        assertThrows(CorruptImageException.class,
                () -> Image.open(ImageData.wrap(withLongPrefix(9, ascii("x."), 0), Path.of("p.img"))));
    }

    @Test
    void readsFailAfterClose() throws IOException {
        Image img = Image.open(ImageData.wrap(sampleImage(ErofsWriterOptions.DEFAULT), Path.of("closed.img")));
        long root = img.rootInode();
        img.close();
        img.close();
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> img.stat(root));
        assertThrows(java.nio.channels.ClosedChannelException.class, () -> img.openDirectory(root));
    }
}
