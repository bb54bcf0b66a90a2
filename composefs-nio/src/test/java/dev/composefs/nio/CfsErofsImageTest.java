package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Tree;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
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
}
