package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.testutil.ExternalTools;
import dev.composefs.format.testutil.NativeTestFiles;
import dev.composefs.format.testutil.TreeText;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryScannerTest {
    @TempDir
    Path tmp;

    private static Tree scan(Path dir, ScanOptions options) throws IOException {
        return new DirectoryScanner(options).scan(dir);
    }

    private static Inode at(Tree tree, String path) {
        Inode inode = tree.lookup(path.getBytes(StandardCharsets.UTF_8));
        assertNotNull(inode, path);
        return inode;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A small tree of ordinary files: directories, files of several sizes, symlinks. */
    private Path sampleTree() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("usr/bin"));
        Files.createDirectories(src.resolve("usr/lib/empty"));
        Files.write(src.resolve("usr/bin/tool"), new byte[10_000]);
        Files.writeString(src.resolve("usr/bin/small"), "#!/bin/sh\necho hi\n");
        Files.createFile(src.resolve("usr/lib/zero"));
        Files.write(src.resolve("usr/lib/sixty-four"), new byte[64]);
        Files.write(src.resolve("usr/lib/sixty-five"), new byte[65]);
        Files.createSymbolicLink(src.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(src.resolve("usr/lib/abs"), Path.of("/etc/passwd"));
        Files.setPosixFilePermissions(src.resolve("usr/bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        return src;
    }

    @Test
    void regularFilesDirectoriesAndSymlinks() throws IOException {
        Path src = sampleTree();
        Tree tree = scan(src, ScanOptions.defaults());

        Inode tool = at(tree, "/usr/bin/tool");
        assertEquals(0100750, tool.mode());
        assertEquals(10_000, tool.size());
        assertEquals(1, tool.nlink());
        assertArrayEquals(bytes("usr/bin/tool"), tool.payload());
        assertNull(tool.digest());
        assertNull(tool.content());

        Inode zero = at(tree, "/usr/lib/zero");
        assertEquals(0, zero.size());
        assertNull(zero.payload());

        Inode bin = at(tree, "/bin");
        assertEquals(FileType.SYMLINK, bin.type());
        assertArrayEquals(bytes("usr/bin"), bin.payload());
        assertEquals(7, bin.size());
        assertArrayEquals(bytes("/etc/passwd"), at(tree, "/usr/lib/abs").payload());

        assertEquals(FileType.DIRECTORY, tree.root().type());
        assertEquals(3, tree.root().nlink());
        assertEquals(4, at(tree, "/usr").nlink());
        assertEquals(3, at(tree, "/usr/lib").nlink());
        assertEquals(2, at(tree, "/usr/lib/empty").nlink());
        assertEquals(0, at(tree, "/usr").size());
        assertEquals(List.of("bin", "usr"), tree.root().children().keySet().stream().map(Name::toString).toList());
    }

    @Test
    void fifosSocketsAndDevicesAreKept() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        NativeTestFiles.mkfifo(src.resolve("fifo"), 0640);
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(src.resolve("sock")));
        }
        boolean devices = true;
        try {
            NativeTestFiles.mknod(src.resolve("null"), 0020666, NativeTestFiles.makedev(1, 3));
            NativeTestFiles.mknod(src.resolve("disk"), 0060660, NativeTestFiles.makedev(259, 0x12345));
            Files.setPosixFilePermissions(src.resolve("null"), PosixFilePermissions.fromString("rw-rw-rw-"));
        } catch (IOException e) {
            devices = false;
        }
        Tree tree = scan(src, ScanOptions.defaults());
        assertEquals(FileType.FIFO, at(tree, "/fifo").type());
        assertEquals(010640, at(tree, "/fifo").mode());
        assertEquals(FileType.SOCKET, at(tree, "/sock").type());
        assertEquals(0, at(tree, "/sock").size());
        Assumptions.assumeTrue(devices, "mknod not permitted here");
        assertEquals(0020666, at(tree, "/null").mode());
        assertEquals(0x103, at(tree, "/null").rdev());
        assertEquals(FileType.BLOCK_DEVICE, at(tree, "/disk").type());
        assertEquals(0x12310345L, at(tree, "/disk").rdev());

        Tree noDevices = scan(src, ScanOptions.defaults().withSkipDevices(true));
        assertEquals(List.of("fifo", "sock"), noDevices.root().children().keySet().stream().map(Name::toString).toList());
    }

    @Test
    void binaryNamesAndSymlinkTargetsKeepTheirBytes() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        byte[] dirName = {'d', (byte) 0xff};
        byte[] fileName = {'a', (byte) 0xff, 'b', (byte) 0x80};
        byte[] target = {'x', (byte) 0xfe, '/', '/', 'y', '/'};
        byte[] absTarget = {'/', 't', (byte) 0xc3, '(', '.', '.', '/', '.'};
        NativeTestFiles.mkdir(NativeTestFiles.child(src, dirName));
        byte[] dirPath = NativeTestFiles.child(src, dirName);
        byte[] dirPathNoNul = java.util.Arrays.copyOf(dirPath, dirPath.length - 1);
        byte[] filePath = new byte[dirPathNoNul.length + 1 + fileName.length];
        System.arraycopy(dirPathNoNul, 0, filePath, 0, dirPathNoNul.length);
        filePath[dirPathNoNul.length] = '/';
        System.arraycopy(fileName, 0, filePath, dirPathNoNul.length + 1, fileName.length);
        NativeTestFiles.createFile(filePath);
        Files.write(src.resolve("plain"), new byte[100]);
        NativeTestFiles.symlink(target, NativeTestFiles.child(src, new byte[] {'l', (byte) 0xff}));
        NativeTestFiles.symlink(absTarget, NativeTestFiles.child(src, bytes("abs")));
        NativeTestFiles.symlink(bytes("plain"), NativeTestFiles.child(src, new byte[] {'p', (byte) 0xe9}));

        Tree tree = scan(src, ScanOptions.defaults());
        Inode dir = tree.root().child(Name.of(dirName));
        assertNotNull(dir, "directory with byte 0xff in its name");
        Inode file = dir.child(Name.of(fileName));
        assertNotNull(file, "file with bytes 0xff and 0x80 in its name");
        Inode link = tree.root().child(Name.of(new byte[] {'l', (byte) 0xff}));
        assertArrayEquals(target, link.payload());
        assertEquals(target.length, link.size());
        assertArrayEquals(absTarget, tree.root().child(Name.of("abs")).payload());
        assertArrayEquals(bytes("plain"), tree.root().child(Name.of(new byte[] {'p', (byte) 0xe9})).payload());
    }

    @Test
    void relativePayloadOfAFileUnderABinaryName() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        byte[] dirName = {'d', (byte) 0xff};
        NativeTestFiles.mkdir(NativeTestFiles.child(src, dirName));
        Path dir;
        try (var s = Files.list(src)) {
            dir = s.findFirst().orElseThrow();
        }
        Files.write(dir.resolve("f"), new byte[200]);
        Tree tree = scan(src, ScanOptions.defaults());
        Inode f = tree.root().child(Name.of(dirName)).child(Name.of("f"));
        assertArrayEquals(new byte[] {'d', (byte) 0xff, '/', 'f'}, f.payload());
    }

    @Test
    void timesHaveNanoseconds() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path f = Files.write(src.resolve("f"), new byte[1]);
        Instant when = Instant.ofEpochSecond(1_633_950_376L, 123_456_789);
        Files.setLastModifiedTime(f, FileTime.from(when));
        Tree tree = scan(src, ScanOptions.defaults());
        assertEquals(new Timespec(1_633_950_376L, 123_456_789), at(tree, "/f").mtime());
        assertTrue(at(tree, "/f").ctime().seconds() > 1_600_000_000L, "ctime is the real change time");

        Tree epoch = scan(src, ScanOptions.defaults().withUseEpoch(true));
        epoch.walk((path, inode) -> {
            assertEquals(Timespec.EPOCH, inode.mtime());
            assertEquals(Timespec.EPOCH, inode.ctime());
        });
    }

    @Test
    void ownerAndGroupAreRecorded() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path f = Files.createFile(src.resolve("f"));
        int uid = (Integer) Files.getAttribute(f, "unix:uid");
        int gid = (Integer) Files.getAttribute(f, "unix:gid");
        Tree tree = scan(src, ScanOptions.defaults());
        assertEquals(uid, at(tree, "/f").uid());
        assertEquals(gid, at(tree, "/f").gid());
    }

    @Test
    void hardLinksAreSeparateInodesByDefaultAndSharedOnRequest() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path a = Files.write(src.resolve("a"), new byte[300]);
        Files.createDirectory(src.resolve("sub"));
        Files.createLink(src.resolve("sub/b"), a);
        Files.createLink(tmp.resolve("outside"), a);

        Tree plain = scan(src, ScanOptions.defaults());
        assertNotSame(at(plain, "/a"), at(plain, "/sub/b"));
        assertEquals(1, at(plain, "/a").nlink());
        assertEquals(1, at(plain, "/sub/b").nlink());
        assertArrayEquals(bytes("sub/b"), at(plain, "/sub/b").payload());

        Tree linked = scan(src, ScanOptions.defaults().withHardlinks(true));
        assertSame(at(linked, "/a"), at(linked, "/sub/b"));
        assertEquals(2, at(linked, "/a").nlink(), "counts the names inside the tree only");
        assertArrayEquals(bytes("a"), at(linked, "/sub/b").payload(), "the first name met");
    }

    @Test
    void inlineThreshold() throws IOException {
        Path src = sampleTree();
        Tree erofs = scan(src, ScanOptions.defaults().withInlineThreshold(ScanOptions.EROFS_INLINE_THRESHOLD));
        Inode small = at(erofs, "/usr/bin/small");
        assertArrayEquals(bytes("#!/bin/sh\necho hi\n"), small.content());
        assertNull(small.payload());
        assertArrayEquals(new byte[64], at(erofs, "/usr/lib/sixty-four").content());
        assertNull(at(erofs, "/usr/lib/sixty-five").content());
        assertArrayEquals(bytes("usr/lib/sixty-five"), at(erofs, "/usr/lib/sixty-five").payload());
        assertNull(at(erofs, "/usr/lib/zero").content());

        Tree never = scan(src, ScanOptions.defaults());
        assertNull(at(never, "/usr/bin/small").content());
        assertArrayEquals(bytes("usr/bin/small"), at(never, "/usr/bin/small").payload());
    }

    @Test
    void payloadModes() throws IOException, InterruptedException {
        Path src = sampleTree();
        Tree absolute = scan(src, ScanOptions.defaults().withPayloadMode(PayloadMode.ABSOLUTE_PATH));
        assertArrayEquals(bytes(src.toRealPath() + "/usr/bin/tool"), at(absolute, "/usr/bin/tool").payload());

        Tree none = scan(src, ScanOptions.defaults().withPayloadMode(PayloadMode.NONE));
        assertNull(at(none, "/usr/bin/tool").payload());
        assertArrayEquals(bytes("usr/bin"), at(none, "/bin").payload(), "symlink targets stay");

        Tree digests = scan(src, ScanOptions.defaults().withComputeDigests(true));
        assertArrayEquals(bytes("usr/bin/tool"), at(digests, "/usr/bin/tool").payload());
        assertNotNull(at(digests, "/usr/bin/tool").digest());
        assertNull(at(digests, "/usr/lib/zero").digest());

        Tree byDigest = scan(src, ScanOptions.defaults().withPayloadMode(PayloadMode.DIGEST_PATH).withThreads(3));
        Inode tool = at(byDigest, "/usr/bin/tool");
        assertArrayEquals(bytes(tool.digest().objectPath()), tool.payload());
        Assumptions.assumeTrue(ExternalTools.installed("fsverity"), "fsverity not installed");
        assertEquals(ExternalTools.fsverityDigest(src.resolve("usr/bin/tool")), tool.digest().hex());
        assertEquals(ExternalTools.fsverityDigest(src.resolve("usr/lib/sixty-five")),
                at(byDigest, "/usr/lib/sixty-five").digest().hex());
    }

    @Test
    void scanningTwiceAndWithAnyThreadCountGivesEqualTrees() throws IOException {
        Path src = sampleTree();
        ScanOptions opts = ScanOptions.defaults().withComputeDigests(true);
        String once = TreeText.of(scan(src, opts.withThreads(1)));
        assertEquals(once, TreeText.of(scan(src, opts.withThreads(4))));
        assertEquals(once, TreeText.of(scan(src, opts.withThreads(2))));
    }

    @Test
    void aCopyMadeWithCpArchiveScansEqualCtimeAside() throws IOException, InterruptedException {
        Assumptions.assumeTrue(ExternalTools.installed("cp"), "cp not installed");
        Path src = sampleTree();
        NativeTestFiles.setXattr(src.resolve("usr/bin/tool"), "user.origin", bytes("test"));
        NativeTestFiles.mkfifo(src.resolve("usr/fifo"), 0600);
        Files.createLink(src.resolve("usr/lib/link"), src.resolve("usr/lib/sixty-five"));
        Path copy = tmp.resolve("copy");
        ExternalTools.run(List.of("cp", "-a", src.toString(), copy.toString()));
        for (ScanOptions opts : List.of(ScanOptions.defaults(), ScanOptions.defaults().withHardlinks(true))) {
            assertEquals(TreeText.of(scan(src, opts), false), TreeText.of(scan(copy, opts), false));
        }
        String copied = TreeText.of(scan(copy, ScanOptions.defaults()), false);
        assertTrue(copied.contains("user.origin=74657374"), copied);
    }

    @Test
    void sourceMustBeADirectory() throws IOException {
        Path f = Files.createFile(tmp.resolve("f"));
        DirectoryScanner scanner = new DirectoryScanner(ScanOptions.defaults());
        assertThrows(NotDirectoryException.class, () -> scanner.scan(f));
        assertThrows(IOException.class, () -> scanner.scan(tmp.resolve("missing")));
    }

    @Test
    void theSourceMayBeASymlinkToADirectory() throws IOException {
        Path src = sampleTree();
        Path link = Files.createSymbolicLink(tmp.resolve("link"), src);
        assertEquals(TreeText.of(scan(src, ScanOptions.defaults())), TreeText.of(scan(link, ScanOptions.defaults())));
    }

    @Test
    void deviceNumbersUseTheKernelEncoding() {
        assertEquals(0x801L, DirectoryScanner.linuxDeviceNumber(NativeTestFiles.makedev(8, 1)));
        assertEquals(0x12310345L, DirectoryScanner.linuxDeviceNumber(NativeTestFiles.makedev(259, 0x12345)));
        assertEquals(0x100000L, DirectoryScanner.linuxDeviceNumber(NativeTestFiles.makedev(4096, 0)));
        assertEquals(0xfff00000L | 0xffL, DirectoryScanner.linuxDeviceNumber(NativeTestFiles.makedev(0, 0xfffff)));
    }
}
