package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree 4000 directories deep (issue 6), written in both formats, walked through the {@code cfs:}
 * provider with attributes, symlinks and contents read: no {@code StackOverflowError}, every entry seen.
 */
class DeepTreeThroughNioTest {
    private static final int DEPTH = 4000;
    private static final byte[] CONTENT = "deep\n".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Tree deepTree() {
        Inode root = new Inode(0040755);
        Inode d = root;
        for (int i = 0; i < DEPTH; i++) {
            Inode sub = new Inode(0040755);
            d.addChild(Name.of("d"), sub);
            d = sub;
        }
        d.addChild(Name.of("file"), new Inode(0100644).size(CONTENT.length).content(CONTENT));
        byte[] target = "../../../d".getBytes(StandardCharsets.UTF_8);
        d.addChild(Name.of("link"), new Inode(0120777).payload(target).size(target.length));
        return new Tree(root);
    }

    @Test
    void walksReadsAndResolvesADeepTree() throws IOException {
        Tree tree = deepTree();
        Path erofs = dir.resolve("deep.erofs");
        new ErofsWriter().write(tree, erofs);
        // The descriptor format has no inline content: the same tree with the file backed by an object.
        Path descriptor = dir.resolve("deep.cfs");
        Path objects = Files.createDirectories(dir.resolve("objects"));
        Inode bottom = tree.lookup(("/d".repeat(DEPTH)).getBytes(StandardCharsets.UTF_8));
        bottom.removeChild(Name.of("file"));
        bottom.addChild(Name.of("file"), SampleImage.backed(objects, CONTENT, true));
        DescriptorWriter.write(tree, descriptor);
        for (Path image : new Path[] {erofs, descriptor}) {
            try (FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", objects))) {
                int[] counts = new int[3];
                Files.walkFileTree(fs.getPath("/"), new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                        counts[0]++;
                        Files.readAttributes(d, PosixFileAttributes.class);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                        Files.readAttributes(f, "unix:*");
                        if (attrs.isRegularFile()) {
                            counts[1]++;
                            assertEquals(new String(CONTENT, StandardCharsets.UTF_8), Files.readString(f));
                        } else if (attrs.isSymbolicLink()) {
                            counts[2]++;
                            Files.readSymbolicLink(f);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
                assertEquals(DEPTH + 1, counts[0], image.toString());
                assertEquals(1, counts[1], image.toString());
                assertEquals(1, counts[2], image.toString());
                try (Stream<Path> all = Files.walk(fs.getPath("/"))) {
                    assertEquals(DEPTH + 3, all.count());
                }
                Path link = fs.getPath("/d".repeat(DEPTH) + "/link");
                assertTrue(Files.isDirectory(link), "the link resolves to a directory three levels up");
                assertEquals(fs.getPath("/d".repeat(DEPTH - 2)), link.toRealPath());
            }
        }
    }
}
