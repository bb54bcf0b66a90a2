package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Content;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding objects in a store whose directories are trusted (only this user and root can change
 * them): once a directory has shown no symlink, its objects are confined by a look at themselves
 * alone, and everything that look does not accept takes the full way with its checks.
 */
class BackingStoreTest {
    @TempDir
    Path dir;

    private static byte[] read(BackingStore store, String path, long size) throws IOException {
        try (SeekableByteChannel ch = store.open("/f", new Content.Backing(path.getBytes(StandardCharsets.UTF_8), null), size)) {
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // until full
            }
            return b.array();
        }
    }

    @Test
    void objectsOfAKnownPlainTrustedDirectoryAreStillConfinedAndChecked() throws Exception {
        Path base = Files.createDirectories(dir.resolve("store/ab"));
        byte[] one = "one".getBytes(StandardCharsets.UTF_8);
        Files.write(base.resolve("one"), one);
        Files.write(base.resolve("two"), "two".getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve("outside"), one);
        Files.createSymbolicLink(base.resolve("inside-link"), base.resolve("one"));
        Files.createSymbolicLink(base.resolve("outside-link"), dir.resolve("outside"));
        Files.createDirectory(base.resolve("sub"));
        Path second = Files.createDirectories(dir.resolve("second/ab"));
        Files.write(second.resolve("only-here"), one);
        try (ObjectOpener opener = new ObjectOpener(10_000, d -> true);
             BackingStore store = new BackingStore(List.of(dir.resolve("store"), dir.resolve("second")), VerityMode.IF_PRESENT, opener)) {
            // The first object shows the directory has no symlink; the next ones take the short way.
            assertArrayEquals(one, read(store, "ab/one", 3));
            assertArrayEquals("two".getBytes(StandardCharsets.UTF_8), read(store, "ab/two", 3));
            assertArrayEquals(one, read(store, "ab/one", 3));
            // A symlink inside the base still resolves; one leading out is refused.
            assertArrayEquals(one, read(store, "ab/inside-link", 3));
            AccessDeniedException out = assertThrows(AccessDeniedException.class, () -> read(store, "ab/outside-link", 3));
            assertTrue(out.getMessage().contains("resolves outside its base directory"), out.getMessage());
            // Not a regular file: refused, naming it.
            FileSystemException sub = assertThrows(FileSystemException.class, () -> read(store, "ab/sub", 3));
            assertTrue(sub.getMessage().contains("not a regular file"), sub.getMessage());
            // Missing from the first base directory: found in the second.
            assertArrayEquals(one, read(store, "ab/only-here", 3));
            assertThrows(MissingObjectException.class, () -> read(store, "ab/nowhere", 3));
        }
    }
}
