package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.testutil.NativeTestFiles;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XattrScanTest {
    @TempDir
    Path tmp;
    Path src;
    Path file;

    private static final byte[] BINARY = {0, 1, (byte) 0xff, '=', '\n', 0};

    @BeforeEach
    void makeTree() throws IOException {
        src = Files.createDirectory(tmp.resolve("src"));
        file = Files.write(src.resolve("f"), new byte[500]);
        try {
            NativeTestFiles.setXattr(file, "user.binary", BINARY);
            NativeTestFiles.setXattr(file, "user.empty", new byte[0]);
            NativeTestFiles.setXattr(src, "user.on-dir", "d".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Assumptions.abort("user xattrs not supported on " + tmp + ": " + e.getMessage());
        }
    }

    private static Map<String, String> xattrs(Inode inode) {
        Map<String, String> m = new TreeMap<>();
        for (Xattr x : inode.xattrs()) {
            m.put(x.name().toString(), java.util.HexFormat.of().formatHex(x.value()));
        }
        return m;
    }

    /** A POSIX ACL with a named user, which the kernel cannot fold into the mode bits. */
    private static byte[] aclWithNamedUser() {
        ByteBuffer b = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(2);
        b.putShort((short) 0x01).putShort((short) 6).putInt(-1);
        b.putShort((short) 0x02).putShort((short) 4).putInt(1234);
        b.putShort((short) 0x04).putShort((short) 4).putInt(-1);
        b.putShort((short) 0x10).putShort((short) 4).putInt(-1);
        b.putShort((short) 0x20).putShort((short) 4).putInt(-1);
        return b.array();
    }

    @Test
    void userXattrsWithBinaryAndEmptyValues() throws IOException {
        Tree tree = new DirectoryScanner(ScanOptions.defaults()).scan(src);
        Inode f = tree.root().child(Name.of("f"));
        assertEquals("0001ff3d0a00", xattrs(f).get("user.binary"));
        assertEquals("", xattrs(f).get("user.empty"));
        assertEquals("64", xattrs(tree.root()).get("user.on-dir"));
        List<Xattr> list = f.xattrs();
        for (int i = 1; i < list.size(); i++) {
            assertTrue(list.get(i - 1).compareTo(list.get(i)) < 0, "xattrs are sorted by name");
        }
    }

    @Test
    void everyNamespaceIsRead() throws IOException {
        boolean privileged = true;
        try {
            NativeTestFiles.setXattr(file, "trusted.overlay.redirect", "/x".getBytes(StandardCharsets.UTF_8));
            NativeTestFiles.setXattr(file, "security.test", new byte[] {1, 2});
            NativeTestFiles.setXattr(file, "system.posix_acl_access", aclWithNamedUser());
        } catch (IOException e) {
            privileged = false;
        }
        Assumptions.assumeTrue(privileged, "setting trusted/security/system xattrs needs root");
        Tree tree = new DirectoryScanner(ScanOptions.defaults()).scan(src);
        Map<String, String> all = xattrs(tree.root().child(Name.of("f")));
        assertEquals("2f78", all.get("trusted.overlay.redirect"));
        assertEquals("0102", all.get("security.test"));
        assertEquals(java.util.HexFormat.of().formatHex(aclWithNamedUser()), all.get("system.posix_acl_access"));
        assertTrue(all.containsKey("user.binary"));

        Tree user = new DirectoryScanner(ScanOptions.defaults().withUserXattrsOnly(true)).scan(src);
        assertEquals(List.of("user.binary", "user.empty"),
                List.copyOf(xattrs(user.root().child(Name.of("f"))).keySet()));

        Tree none = new DirectoryScanner(ScanOptions.defaults().withSkipXattrs(true)).scan(src);
        none.walk((path, inode) -> assertEquals(List.of(), inode.xattrs()));
    }

    @Test
    void symlinksAndFifosAreAskedWithoutFollowingOrBlocking() throws IOException {
        Files.createSymbolicLink(src.resolve("link"), Path.of("f"));
        NativeTestFiles.mkfifo(src.resolve("fifo"), 0600);
        Tree tree = new DirectoryScanner(ScanOptions.defaults()).scan(src);
        assertEquals(Map.of(), xattrs(tree.root().child(Name.of("link"))), "the target's xattrs are not the link's");
        assertEquals(Map.of(), xattrs(tree.root().child(Name.of("fifo"))));

        Tree fallback = new DirectoryScanner(ScanOptions.defaults(), new UserViewXattrReader()).scan(src);
        assertEquals(Map.of(), xattrs(fallback.root().child(Name.of("fifo"))));
    }

    @Test
    void theJdkFallbackReadsTheUserNamespace() throws IOException {
        UserViewXattrReader fallback = new UserViewXattrReader();
        List<Xattr> read = fallback.read(new byte[0], file, FileType.REGULAR, false);
        Tree tree = new DirectoryScanner(ScanOptions.defaults().withUserXattrsOnly(true)).scan(src);
        Inode f = tree.root().child(Name.of("f"));
        assertEquals(f.xattrs(), read.stream().sorted().toList());
        Tree viaFallback = new DirectoryScanner(ScanOptions.defaults(), fallback).scan(src);
        assertEquals(xattrs(f), xattrs(viaFallback.root().child(Name.of("f"))));
        assertEquals("64", xattrs(viaFallback.root()).get("user.on-dir"));
    }

    @Test
    void nativeErrorsNameTheFileAndTheErrno() {
        Path missing = tmp.resolve("missing");
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> NativeXattrReader.load()
                .read(missing.toString().getBytes(StandardCharsets.US_ASCII), missing, FileType.REGULAR, false));
        assertTrue(e.getMessage().contains("missing") && e.getMessage().contains("errno 2"), e.getMessage());
    }

    @Test
    void theSystemReaderIsTheNativeOneHere() {
        assertTrue(XattrReader.system() instanceof NativeXattrReader, "JNA loads on Linux x86-64 and aarch64");
    }
}
