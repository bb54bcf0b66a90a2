package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.DosFileAttributeView;
import java.nio.file.attribute.DosFileAttributes;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attribute-string grammar and the views (STYLE.md 2.4), with the JDK's Linux provider as the
 * oracle for what each view name yields: same keys, same value types.
 */
class AttributesTest {
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        SampleImage sample = SampleImage.create(dir);
        fs = FileSystems.newFileSystem(sample.image, Map.of("basedir", sample.objects));
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    /** The keys of a map and the kind of each value, comparable across providers. */
    private static Map<String, String> shape(Map<String, Object> attrs) {
        Map<String, String> shape = new TreeMap<>();
        attrs.forEach((k, v) -> shape.put(k, kind(v)));
        return shape;
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Set) {
            return "Set";
        }
        if (v instanceof GroupPrincipal) {
            return "GroupPrincipal";
        }
        if (v instanceof UserPrincipal) {
            return "UserPrincipal";
        }
        if (v instanceof FileTime || v instanceof Boolean || v instanceof Long || v instanceof Integer) {
            return v.getClass().getSimpleName();
        }
        return "Object";
    }

    @Test
    void viewsYieldWhatTheJdksYield() throws IOException {
        Path onDisk = Files.writeString(dir.resolve("plain"), "x");
        List<String> strings = List.of("*", "basic:*", "posix:*", "unix:*", "owner:*", "size", "basic:size,isOther",
                "posix:permissions,owner,size", "unix:mode,ino,dev,rdev,nlink,uid,gid,ctime", "unix:*,size",
                "size,*", "basic:size,size", "unix:*,", "owner:owner", "posix:group");
        for (String s : strings) {
            Map<String, Object> expected = Files.readAttributes(onDisk, s);
            Map<String, Object> actual = Files.readAttributes(fs.getPath("/etc/passwd"), s);
            assertEquals(shape(expected), shape(actual), s);
        }
    }

    @Test
    void grammarErrorsAsTheJdks() throws IOException {
        Path onDisk = Files.writeString(dir.resolve("plain"), "x");
        List<String> strings = List.of("", "basic:", "basic:foo", "foo:*", "foo:size", "posix:size,foo", ":size",
                "basic:size:x", "basic: size", ",size", "owner:size", "unix:", "basic:*,foo");
        for (String s : strings) {
            Class<?> expected = failure(() -> Files.readAttributes(onDisk, s));
            Class<?> actual = failure(() -> Files.readAttributes(fs.getPath("/etc/passwd"), s));
            assertEquals(expected, actual, "'" + s + "'");
        }
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(fs.getPath("/etc"), "dos:*"));
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(fs.getPath("/etc"), "acl:acl"));
        assertThrows(IllegalArgumentException.class, () -> Files.readAttributes(fs.getPath("/etc"), "composefs:foo"));
        assertThrows(IllegalArgumentException.class, () -> Files.getAttribute(fs.getPath("/etc"), "basic:nonsense"));
    }

    private interface Op {
        Object run() throws IOException;
    }

    private static Class<?> failure(Op op) {
        try {
            op.run();
            return null;
        } catch (Exception e) {
            return e.getClass();
        }
    }

    @Test
    void unixValues() throws IOException {
        Map<String, Object> a = Files.readAttributes(fs.getPath("/usr/bin/sh"), "unix:*");
        assertEquals(0100755, a.get("mode"));
        assertEquals(1000, a.get("uid"));
        assertEquals(100, a.get("gid"));
        assertEquals(1, a.get("nlink"));
        assertEquals(0L, a.get("rdev"));
        assertEquals((long) SampleImage.SH.length, a.get("size"));
        assertEquals(FileTime.fromMillis(1_600_000_000_123L).toMillis(), ((FileTime) a.get("lastModifiedTime")).toMillis());
        assertEquals(2, Files.getAttribute(fs.getPath("/etc/os-release"), "unix:nlink"));
        assertEquals(0120777, Files.getAttribute(fs.getPath("/bin"), "unix:mode", LinkOption.NOFOLLOW_LINKS));
        assertEquals(040755, Files.getAttribute(fs.getPath("/bin"), "unix:mode"));
        assertEquals(Files.getAttribute(fs.getPath("/"), "unix:dev"), Files.getAttribute(fs.getPath("/etc/passwd"), "unix:dev"));
        assertNotEquals(Files.getAttribute(fs.getPath("/"), "unix:ino"), Files.getAttribute(fs.getPath("/etc"), "unix:ino"));
        assertEquals((long) 8 << 8, Files.getAttribute(fs.getPath("/dev/sda"), "unix:rdev"));
    }

    @Test
    void isOtherForDevicesFifosSockets() throws IOException {
        for (String p : List.of("/dev/null", "/dev/sda", "/fifo", "/sock")) {
            BasicFileAttributes a = Files.readAttributes(fs.getPath(p), BasicFileAttributes.class);
            assertTrue(a.isOther(), p);
            assertFalse(a.isRegularFile() || a.isDirectory() || a.isSymbolicLink(), p);
            assertTrue(Files.exists(fs.getPath(p)));
            assertFalse(Files.isRegularFile(fs.getPath(p)));
        }
        for (String p : List.of("/etc", "/etc/passwd", "/etc/empty")) {
            assertFalse(Files.readAttributes(fs.getPath(p), BasicFileAttributes.class).isOther(), p);
        }
        BasicFileAttributes link = Files.readAttributes(fs.getPath("/bin"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        assertTrue(link.isSymbolicLink());
        assertFalse(link.isOther());
        assertEquals("usr/bin".length(), link.size());
    }

    @Test
    void fileKeysIdentifyInodes() throws IOException {
        Object a = Files.readAttributes(fs.getPath("/etc/os-release"), BasicFileAttributes.class).fileKey();
        Object b = Files.readAttributes(fs.getPath("/hardlink"), BasicFileAttributes.class).fileKey();
        Object c = Files.readAttributes(fs.getPath("/etc/passwd"), BasicFileAttributes.class).fileKey();
        Object viaLink = Files.readAttributes(fs.getPath("/abs/os-release"), BasicFileAttributes.class).fileKey();
        assertNotNull(a);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a, viaLink);
        assertNotEquals(a, c);
        assertEquals(Files.readAttributes(fs.getPath("/etc/os-release"), "unix:ino"), Files.readAttributes(fs.getPath("/hardlink"), "unix:ino"));
        assertTrue(Files.isSameFile(fs.getPath("/hardlink"), fs.getPath("/up/os-release")));
        assertFalse(Files.isSameFile(fs.getPath("/hardlink"), fs.getPath("/etc/passwd")));
        assertNotEquals(Files.readAttributes(fs.getPath("/bin"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey(),
                Files.readAttributes(fs.getPath("/bin"), BasicFileAttributes.class).fileKey());
        // Another file system over the same image: other keys.
        try (FileSystem other = FileSystems.newFileSystem(dir.resolve("sample.cfs"), Map.of())) {
            assertNotEquals(a, Files.readAttributes(other.getPath("/etc/os-release"), BasicFileAttributes.class).fileKey());
            assertFalse(Files.isSameFile(fs.getPath("/etc"), other.getPath("/etc")));
        }
    }

    @Test
    void viewsByClass() throws IOException {
        Path p = fs.getPath("/etc/os-release");
        assertNull(Files.getFileAttributeView(p, DosFileAttributeView.class));
        assertNull(Files.getFileAttributeView(p, AclFileAttributeView.class));
        assertEquals("basic", Files.getFileAttributeView(p, BasicFileAttributeView.class).name());
        assertEquals("posix", Files.getFileAttributeView(p, PosixFileAttributeView.class).name());
        assertEquals("owner", Files.getFileAttributeView(p, FileOwnerAttributeView.class).name());
        assertEquals("user", Files.getFileAttributeView(p, UserDefinedFileAttributeView.class).name());
        assertEquals("xattr", Files.getFileAttributeView(p, XattrFileAttributeView.class).name());
        assertEquals("composefs", Files.getFileAttributeView(p, ComposefsFileAttributeView.class).name());
        // Getting a view never touches the file; reading it does.
        BasicFileAttributeView missing = Files.getFileAttributeView(fs.getPath("/missing"), BasicFileAttributeView.class);
        assertNotNull(missing);
        assertThrows(NoSuchFileException.class, missing::readAttributes);
        assertThrows(UnsupportedOperationException.class, () -> Files.readAttributes(p, DosFileAttributes.class));
        assertInstanceOf(CfsFileAttributes.class, Files.readAttributes(p, PosixFileAttributes.class));
        assertInstanceOf(CfsFileAttributes.class, Files.readAttributes(p, CfsFileAttributes.class));
        for (String view : List.of("basic", "posix", "owner", "unix", "user", "xattr", "composefs")) {
            assertTrue(fs.supportedFileAttributeViews().contains(view), view);
            assertTrue(Files.getFileStore(p).supportsFileAttributeView(view), view);
        }
        assertFalse(Files.getFileStore(p).supportsFileAttributeView("dos"));
        assertTrue(Files.getFileStore(p).supportsFileAttributeView(PosixFileAttributeView.class));
        assertFalse(Files.getFileStore(p).supportsFileAttributeView(DosFileAttributeView.class));
    }

    @Test
    void ownerAndPermissions() throws IOException {
        PosixFileAttributes a = Files.readAttributes(fs.getPath("/usr/bin/sh"), PosixFileAttributes.class);
        UserPrincipal owner = Files.getOwner(fs.getPath("/usr/bin/sh"));
        assertEquals(a.owner(), owner);
        assertEquals(fs.getUserPrincipalLookupService().lookupPrincipalByName("1000"), owner);
        assertEquals(fs.getUserPrincipalLookupService().lookupPrincipalByGroupName("100"), a.group());
        assertNotEquals(fs.getUserPrincipalLookupService().lookupPrincipalByName("100"), a.group());
        assertThrows(java.nio.file.attribute.UserPrincipalNotFoundException.class,
                () -> fs.getUserPrincipalLookupService().lookupPrincipalByName("root"));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"), Files.getPosixFilePermissions(fs.getPath("/usr/bin/sh")));
        assertEquals(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(fs.getPath("/etc/empty")));
    }

    @Test
    void userAndXattrViews() throws IOException {
        Path etc = fs.getPath("/etc");
        UserDefinedFileAttributeView user = Files.getFileAttributeView(etc, UserDefinedFileAttributeView.class);
        assertEquals(List.of("origin"), user.list());
        assertEquals(4, user.size("origin"));
        ByteBuffer buf = ByteBuffer.allocate(16);
        assertEquals(4, user.read("origin", buf));
        assertEquals("test", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
        assertThrows(FileSystemException.class, () -> user.read("origin", ByteBuffer.allocate(2)));
        assertThrows(FileSystemException.class, () -> user.size("missing"));
        assertEquals(Set.of("origin"), Files.readAttributes(etc, "user:*").keySet());
        assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), (byte[]) Files.getAttribute(etc, "user:origin"));
        assertThrows(FileSystemException.class, () -> Files.getAttribute(etc, "user:missing"));
        assertEquals(Map.of(), Files.readAttributes(fs.getPath("/etc/passwd"), "user:*"));

        XattrFileAttributeView xattrs = Files.getFileAttributeView(etc, XattrFileAttributeView.class);
        assertEquals(new TreeSet<>(List.of("security.selinux", "user.origin")), new TreeSet<>(xattrs.list()));
        assertArrayEquals("system_u:object_r:etc_t:s0\0".getBytes(StandardCharsets.UTF_8), xattrs.read("security.selinux"));
        assertEquals(Set.of("security.selinux", "user.origin"), Files.readAttributes(etc, "xattr:*").keySet());
        assertArrayEquals("test".getBytes(StandardCharsets.UTF_8), (byte[]) Files.getAttribute(etc, "xattr:user.origin"));
        assertThrows(FileSystemException.class, () -> xattrs.read("trusted.nothing"));
        // Through a symlink, NOFOLLOW_LINKS reads the link's own (empty) xattrs.
        assertEquals(Set.of("origin"), Files.readAttributes(fs.getPath("/abs"), "user:*").keySet());
        assertEquals(Set.of(), Files.readAttributes(fs.getPath("/abs"), "user:*", LinkOption.NOFOLLOW_LINKS).keySet());
    }

    @Test
    void xattrNamesWithColons() throws IOException {
        dev.composefs.format.tree.Inode root = new dev.composefs.format.tree.Inode(0040755);
        root.xattrs().add(dev.composefs.format.tree.Xattr.of("user.a:b", "v".getBytes(StandardCharsets.UTF_8)));
        root.xattrs().add(dev.composefs.format.tree.Xattr.of("trusted.x:y", "w".getBytes(StandardCharsets.UTF_8)));
        Path image = dir.resolve("colons.cfs");
        dev.composefs.format.descriptor.DescriptorWriter.write(new dev.composefs.format.tree.Tree(root), image);
        try (FileSystem cfs = FileSystems.newFileSystem(image, Map.of())) {
            Path p = cfs.getPath("/");
            assertArrayEquals("v".getBytes(StandardCharsets.UTF_8), (byte[]) Files.getAttribute(p, "user:a:b"));
            assertEquals(Set.of("a:b"), Files.readAttributes(p, "user:a:b,*").keySet());
            assertArrayEquals("w".getBytes(StandardCharsets.UTF_8), (byte[]) Files.getAttribute(p, "xattr:trusted.x:y"));
            assertThrows(IllegalArgumentException.class, () -> Files.getAttribute(p, "unix:mode:x"));
        }
    }

    @Test
    void composefsView() throws IOException {
        Map<String, Object> backed = Files.readAttributes(fs.getPath("/etc/os-release"), "composefs:*");
        assertEquals(Set.of("backingPath", "digest", "inline"), backed.keySet());
        assertTrue(((String) backed.get("digest")).startsWith("sha256:"));
        assertEquals(((String) backed.get("digest")).substring(7).substring(0, 2), ((String) backed.get("backingPath")).substring(0, 2));
        assertEquals(false, backed.get("inline"));
        Map<String, Object> noDigest = Files.readAttributes(fs.getPath("/etc/passwd"), "composefs:digest,backingPath");
        assertNull(noDigest.get("digest"));
        assertNotNull(noDigest.get("backingPath"));
        ComposefsAttributes empty = Files.getFileAttributeView(fs.getPath("/etc/empty"), ComposefsFileAttributeView.class).readAttributes();
        assertNull(empty.backingPath());
        ComposefsAttributes ofDir = Files.getFileAttributeView(fs.getPath("/etc"), ComposefsFileAttributeView.class).readAttributes();
        assertNull(ofDir.backingPath());
        assertFalse(ofDir.inline());
    }

    @Test
    void noFollowLinks() throws IOException {
        Path link = fs.getPath("/abs");
        assertTrue(Files.readAttributes(link, BasicFileAttributes.class).isDirectory());
        assertTrue(Files.readAttributes(link, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isSymbolicLink());
        assertTrue(Files.exists(fs.getPath("/dangling"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(fs.getPath("/dangling")));
        assertTrue(Files.notExists(fs.getPath("/dangling")));
        assertTrue(Files.exists(fs.getPath("/loop1"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(fs.getPath("/loop1")));
        assertFalse(Files.notExists(fs.getPath("/loop1")));
        assertEquals(Boolean.TRUE, Files.getAttribute(fs.getPath("/loop1"), "isSymbolicLink", LinkOption.NOFOLLOW_LINKS));
        assertThrows(FileSystemException.class, () -> Files.getAttribute(fs.getPath("/loop1"), "isSymbolicLink"));
        // Intermediate links are always followed.
        assertTrue(Files.isRegularFile(fs.getPath("/abs/os-release"), LinkOption.NOFOLLOW_LINKS));
        assertEquals(fs.getPath("usr/bin"), Files.readSymbolicLink(fs.getPath("/bin")));
        assertEquals(fs.getPath("../../etc"), Files.readSymbolicLink(fs.getPath("/up")));
        assertThrows(java.nio.file.NotLinkException.class, () -> Files.readSymbolicLink(fs.getPath("/etc")));
        assertThrows(NoSuchFileException.class, () -> Files.readSymbolicLink(fs.getPath("/nothing")));
    }

    @Test
    void timesAreTheModificationTime() throws IOException {
        BasicFileAttributes a = Files.readAttributes(fs.getPath("/etc"), BasicFileAttributes.class);
        assertEquals(FileTime.from(java.time.Instant.ofEpochSecond(1_700_000_000L, 5)), a.lastModifiedTime());
        assertEquals(a.lastModifiedTime(), a.creationTime());
        assertEquals(a.lastModifiedTime(), a.lastAccessTime());
        assertEquals(a.lastModifiedTime(), Files.getLastModifiedTime(fs.getPath("/etc")));
    }
}
