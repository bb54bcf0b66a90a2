package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.tree.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EROFS images through the provider: the mounted view is the source tree, the raw view what is stored. */
class CfsErofsImageTest {
    @TempDir
    Path dir;

    @Test
    void mountedViewIsTheTreeAndRawViewShowsTheStubs() throws Exception {
        Path asset = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", "cs9-x86_64-minimal.dump.gz");
        Tree tree = DumpReader.strict().read(asset);
        Path image = dir.resolve("min.erofs");
        new ErofsWriter().write(tree, image);
        Set<String> expected = new HashSet<>();
        tree.walk((p, i) -> expected.add(new String(p, StandardCharsets.UTF_8)));

        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of());
             Stream<Path> walk = Files.walk(fs.getPath("/"))) {
            assertEquals(expected, walk.map(Path::toString).collect(Collectors.toSet()));
            Path osRelease = fs.getPath("/bin");
            assertTrue(Files.isSymbolicLink(osRelease));
            assertEquals(Files.readSymbolicLink(osRelease).toString(), new String(tree.lookup(
                    "/bin".getBytes(StandardCharsets.UTF_8)).payload(), StandardCharsets.UTF_8));
        }
        try (FileSystem raw = FileSystems.newFileSystem(image, Map.of("view", "raw"));
             Stream<Path> walk = Files.walk(raw.getPath("/"))) {
            Set<String> names = walk.map(Path::toString).collect(Collectors.toSet());
            assertTrue(names.containsAll(expected));
            assertTrue(names.contains("/00") && names.contains("/ff"), "the 256 root stubs");
        }
    }

    @Test
    void inlineContentIsServedFromTheImage() throws Exception {
        byte[] dump = ("/ 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/small 5 100644 1 0 0 0 0.0 - hello -\n").getBytes(StandardCharsets.UTF_8);
        Tree tree = DumpReader.strict().read(new java.io.ByteArrayInputStream(dump), "inline.dump");
        Path image = dir.resolve("inline.erofs");
        new ErofsWriter().write(tree, image);
        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of())) {
            assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(fs.getPath("/small")));
            assertEquals(Boolean.TRUE, Files.getAttribute(fs.getPath("/small"), "composefs:inline"));
        }
    }

    /**
     * The first listing of an EROFS directory checks it as it goes: a stream serves the entries that
     * passed, then ends in a DirectoryIteratorException at the fault, and the directory is not
     * remembered as checked, so a lookup in it fails too. Here the dirent "c" of /d is made to name
     * directory "a" a second time.
     */
    @Test
    void aDirectoryThatFailsItsCheckMidwayEndsTheStreamAtTheFault() throws Exception {
        byte[] dump = ("/ 4096 40755 3 0 0 0 0.0 - - -\n"
                + "/d 4096 40755 5 0 0 0 0.0 - - -\n"
                + "/d/a 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/d/b 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/d/c 4096 40755 2 0 0 0 0.0 - - -\n").getBytes(StandardCharsets.UTF_8);
        Tree tree = DumpReader.strict().read(new java.io.ByteArrayInputStream(dump), "abc.dump");
        Path image = dir.resolve("abc.erofs");
        new ErofsWriter().write(tree, image);
        byte[] bytes = Files.readAllBytes(image);
        // The block of /d: five 12-byte dirents (., .., a, b, c), then their names back to back.
        int names = VerificationTest.indexOf(bytes, "...abc".getBytes(StandardCharsets.US_ASCII));
        assertTrue(names >= 60, "the block of /d not found");
        int block = names - 5 * 12;
        System.arraycopy(bytes, block + 2 * 12, bytes, block + 4 * 12, 8);
        Files.write(image, bytes);

        try (FileSystem fs = FileSystems.newFileSystem(image, Map.of())) {
            List<String> served = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(fs.getPath("/d"))) {
                DirectoryIteratorException e = assertThrows(DirectoryIteratorException.class,
                        () -> stream.forEach(p -> served.add(p.toString())));
                CorruptImageException cause = assertInstanceOf(CorruptImageException.class, e.getCause());
                assertTrue(cause.getMessage().contains("'c' names directory") && cause.getMessage().contains("already has a name"),
                        cause.getMessage());
            }
            assertEquals(List.of("/d/a", "/d/b"), served);
            assertThrows(CorruptImageException.class, () -> Files.readAttributes(fs.getPath("/d/b"), "unix:*"),
                    "a listing that failed leaves the directory unchecked");
        }
    }
}
