package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code toRealPath} on the sample image (STYLE.md 2.3): physical resolution with links followed
 * (absolute targets at the image root, {@code ..} clamped at the root, loops ending in ELOOP), and
 * with {@code NOFOLLOW_LINKS} no link resolved, as the JDK's Unix provider does it.
 */
class RealPathTest {
    @TempDir
    Path dir;
    FileSystem fs;

    @BeforeEach
    void open() throws IOException {
        fs = FileSystems.newFileSystem(SampleImage.create(dir).image, Map.of());
    }

    @AfterEach
    void close() throws IOException {
        fs.close();
    }

    private String real(String p, LinkOption... options) throws IOException {
        return fs.getPath(p).toRealPath(options).toString();
    }

    @Test
    void followingLinks() throws IOException {
        assertEquals("/usr/bin/sh", real("/bin/sh"));
        assertEquals("/usr/bin/sh", real("bin/sh"));
        assertEquals("/usr", real("/bin/.."));
        assertEquals("/etc/os-release", real("/up/os-release"));
        assertEquals("/etc/os-release", real("/abs/os-release"));
        assertEquals("/etc/passwd", real("/etc/./passwd/"));
        assertEquals("/usr", real("etc/../usr"));
        assertEquals("/", real("/.."));
        assertEquals("/", real(""));
        assertEquals("/", real("/../../.."));
        assertEquals("/etc", real("/usr/bin/../../bin/../../etc"));
        FileSystemException loop = assertThrows(FileSystemException.class, () -> real("/loop1"));
        assertTrue(loop.getMessage().contains("Too many levels of symbolic links"), loop.getMessage());
        assertThrows(NoSuchFileException.class, () -> real("/dangling"));
        assertThrows(NoSuchFileException.class, () -> real("/missing"));
        assertThrows(FileSystemException.class, () -> real("/etc/passwd/x"));
        // As the kernel: a name over 255 bytes is ENAMETOOLONG when reached, after the names before it.
        String tooLong = "a".repeat(256);
        FileSystemException longName = assertThrows(FileSystemException.class, () -> real("/etc/" + tooLong));
        assertTrue(longName.getMessage().contains("File name too long"), longName.getMessage());
        assertThrows(FileSystemException.class, () -> java.nio.file.Files.readAttributes(fs.getPath("/" + tooLong), "size"));
        assertThrows(NoSuchFileException.class, () -> real("/missing/" + tooLong));
        assertThrows(NoSuchFileException.class, () -> real("/etc/" + "a".repeat(255)));
    }

    @Test
    void notFollowingLinks() throws IOException {
        assertEquals("/bin/sh", real("/bin/sh", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/bin", real("/bin", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/bin/..", real("/bin/..", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/bin/../bin", real("/bin/../bin", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/loop1", real("/loop1", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/dangling", real("/dangling", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/dangling", real("/dangling/.", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/etc", real("/usr/../etc/.", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/", real("/..", LinkOption.NOFOLLOW_LINKS));
        assertEquals("/etc/passwd", real("etc/passwd", LinkOption.NOFOLLOW_LINKS));
        // '..' after a link is resolved physically when the result is checked: /bin/../etc is /usr/etc, absent.
        assertThrows(NoSuchFileException.class, () -> real("/bin/../etc", LinkOption.NOFOLLOW_LINKS));
        assertThrows(NoSuchFileException.class, () -> real("/dangling/..", LinkOption.NOFOLLOW_LINKS));
        assertThrows(NoSuchFileException.class, () -> real("/missing", LinkOption.NOFOLLOW_LINKS));
    }

    /** Chains of n symlinks, on disk and in an image: the kernel follows at most 40 in one resolution. */
    @Test
    void symlinkChainsEndWhereTheKernelsDo() throws IOException {
        dev.composefs.format.tree.Inode root = new dev.composefs.format.tree.Inode(0040755);
        Path disk = java.nio.file.Files.createDirectory(dir.resolve("chains"));
        root.addChild(dev.composefs.format.tree.Name.of("target"), new dev.composefs.format.tree.Inode(0100644));
        java.nio.file.Files.createFile(disk.resolve("target"));
        int longest = 45;
        for (int i = 1; i <= longest; i++) {
            String target = i == 1 ? "target" : "l" + (i - 1);
            root.addChild(dev.composefs.format.tree.Name.of("l" + i), SampleImage.link(target));
            java.nio.file.Files.createSymbolicLink(disk.resolve("l" + i), Path.of(target));
        }
        Path image = dir.resolve("chains.cfs");
        dev.composefs.format.descriptor.DescriptorWriter.write(new dev.composefs.format.tree.Tree(root), image);
        try (FileSystem cfs = FileSystems.newFileSystem(image, Map.of())) {
            for (int i = 1; i <= longest; i++) {
                String name = "l" + i;
                assertEquals(outcome(() -> disk.relativize(disk.resolve(name).toRealPath()).toString()),
                        outcome(() -> cfs.getPath("/").relativize(cfs.getPath("/" + name).toRealPath()).toString()), name);
                assertEquals(outcome(() -> java.nio.file.Files.isRegularFile(disk.resolve(name))),
                        outcome(() -> java.nio.file.Files.isRegularFile(cfs.getPath(name))), name);
                assertEquals(outcome(() -> java.nio.file.Files.size(disk.resolve(name))),
                        outcome(() -> java.nio.file.Files.size(cfs.getPath(name))), name);
            }
        }
    }

    /** Link targets with trailing slashes or dots: "file/" is not a directory, so it does not resolve. */
    @Test
    void trailingSlashesInTargetsAsTheKernel() throws IOException {
        dev.composefs.format.tree.Inode root = new dev.composefs.format.tree.Inode(0040755);
        Path disk = java.nio.file.Files.createDirectory(dir.resolve("slashes"));
        root.addChild(dev.composefs.format.tree.Name.of("f"), new dev.composefs.format.tree.Inode(0100644));
        java.nio.file.Files.createFile(disk.resolve("f"));
        root.addChild(dev.composefs.format.tree.Name.of("d"), new dev.composefs.format.tree.Inode(0040755));
        java.nio.file.Files.createDirectory(disk.resolve("d"));
        java.util.List<String> targets = java.util.List.of("f/", "f//", "f/.", "d/", "d/.", "d//.//", "/f/", "f/..", "d/..", "d/../f/");
        for (int i = 0; i < targets.size(); i++) {
            root.addChild(dev.composefs.format.tree.Name.of("l" + i), SampleImage.link(targets.get(i)));
            String onDisk = targets.get(i).startsWith("/") ? targets.get(i).substring(1) : targets.get(i);
            // Path.of would drop the trailing slash that matters here: ln writes the target as given.
            lnS(onDisk, disk.resolve("l" + i));
        }
        Path image = dir.resolve("slashes.cfs");
        dev.composefs.format.descriptor.DescriptorWriter.write(new dev.composefs.format.tree.Tree(root), image);
        try (FileSystem cfs = FileSystems.newFileSystem(image, Map.of())) {
            for (int i = 0; i < targets.size(); i++) {
                String name = "l" + i;
                String what = name + " -> " + targets.get(i);
                assertEquals(outcome(() -> disk.relativize(disk.resolve(name).toRealPath()).toString()),
                        outcome(() -> cfs.getPath("/").relativize(cfs.getPath("/" + name).toRealPath()).toString()), what);
                assertEquals(outcome(() -> java.nio.file.Files.readAttributes(disk.resolve(name), "isDirectory,isRegularFile")),
                        outcome(() -> java.nio.file.Files.readAttributes(cfs.getPath(name), "isDirectory,isRegularFile")), what);
                // Reading a directory: the JDK fails in read() (IOException), cfs at open (FileSystemException "Is a directory").
                assertEquals(outcome(() -> java.nio.file.Files.readAllBytes(disk.resolve(name)).length).replace("FileSystemException", "IOException"),
                        outcome(() -> java.nio.file.Files.readAllBytes(cfs.getPath(name)).length).replace("FileSystemException", "IOException"), what);
                assertEquals(outcome(() -> java.nio.file.Files.exists(disk.resolve(name + "/x"))),
                        outcome(() -> java.nio.file.Files.exists(cfs.getPath(name + "/x"))), what);
            }
        }
    }

    private static void lnS(String target, Path link) throws IOException {
        try {
            Process p = new ProcessBuilder("ln", "-s", target, link.toString()).inheritIO().start();
            assertEquals(0, p.waitFor(), "ln -s " + target);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("ln");
        }
    }

    private interface Op {
        Object run() throws IOException;
    }

    private static String outcome(Op op) {
        try {
            Object r = op.run();
            return r instanceof Map<?, ?> m ? new java.util.TreeMap<>(m).toString() : String.valueOf(r);
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void realPathsAreAbsoluteAndExist() throws IOException {
        Path real = fs.getPath("bin/sh").toRealPath();
        assertTrue(real.isAbsolute());
        assertEquals(real, real.normalize());
        assertEquals(real, real.toRealPath());
    }
}
