package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedDirectoriesTest {
    @TempDir
    Path dir;

    private static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    /** Whether {@code p} and every directory above it is owned by root or {@code uid} and not writable by group or others. */
    private static boolean chainSafe(Path p, int uid) throws IOException {
        for (Path d = p; d != null; d = d.getParent()) {
            int mode = (Integer) Files.getAttribute(d, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int owner = uid(d);
            if ((mode & 0022) != 0 || (owner != 0 && owner != uid)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void aDirectoryOthersMayWriteIsNotTrustedNorAnythingBelowIt() throws IOException {
        Path open = Files.createDirectories(dir.resolve("open"));
        Path below = Files.createDirectories(open.resolve("below"));
        Files.setPosixFilePermissions(below, PosixFilePermissions.fromString("rwxr-xr-x"));
        TrustedDirectories t = new TrustedDirectories(uid(dir));
        for (String mode : new String[] {"rwxrwxr-x", "rwxr-xrwx", "rwxrwxrwx"}) {
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString(mode));
            TrustedDirectories fresh = new TrustedDirectories(uid(dir));
            assertFalse(fresh.trusted(open.toRealPath()), mode);
            assertFalse(fresh.trusted(below.toRealPath()), mode);
        }
        assertFalse(t.trusted(null));
    }

    @Test
    void aSymlinkOrAMissingDirectoryIsNotTrusted() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        TrustedDirectories t = new TrustedDirectories(uid(dir));
        assertFalse(t.trusted(dir.toRealPath().resolve("link")));
        assertFalse(t.trusted(dir.toRealPath().resolve("missing")));
        assertTrue(Files.isDirectory(link));
    }

    @Test
    void withoutAKnownUserNothingIsTrusted() throws IOException {
        assertFalse(new TrustedDirectories(-1).trusted(Path.of("/")));
    }

    @Test
    void aDirectoryOwnedByAnotherUserIsNotTrusted() throws IOException {
        Path d = Files.createDirectories(dir.resolve("mine"));
        int owner = uid(d);
        Assumptions.assumeTrue(owner != 0, "root owns every directory here, and root is always trusted");
        assertFalse(new TrustedDirectories(owner + 1).trusted(d.toRealPath()));
    }

    @Test
    void aSafeChainIsTrusted() throws IOException {
        // The build's own directory: a chain others cannot write on most machines (not under /tmp).
        Path here = Path.of("target").toAbsolutePath().toRealPath();
        Path d = Files.createDirectories(here.resolve("trusted-directories-test"));
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Assumptions.assumeTrue(chainSafe(d.toRealPath(), me), "the build directory lies under a directory others may write");
        TrustedDirectories t = new TrustedDirectories(me);
        assertTrue(t.trusted(d.toRealPath()));
        assertTrue(new TrustedDirectories().trusted(d.toRealPath()), "this process's user, from /proc/self");
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxrwxr-x"));
        assertTrue(t.trusted(d.toRealPath()), "answers are remembered");
        assertFalse(new TrustedDirectories(me).trusted(d.toRealPath()));
        Files.delete(d);
    }
}
