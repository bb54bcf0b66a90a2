package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageWalk;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Descriptors of a real directory tree of this machine, read back through {@link Image}. */
class DescriptorRealDataTest {
    @TempDir
    Path dir;

    /**
     * The tree of {@code source} as the seed-era {@code mkcomposefs SOURCEDIR} sees it: stat data of
     * every entry, hard links by (dev, ino), regular files backed by their path relative to the source.
     */
    static Tree scan(Path source) throws IOException {
        Map<List<Object>, Inode> byKey = new HashMap<>();
        Deque<Inode> parents = new ArrayDeque<>();
        Inode[] root = new Inode[1];
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            private Inode inode(Path p) throws IOException {
                Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                List<Object> key = List.of(a.get("dev"), a.get("ino"));
                Inode known = byKey.get(key);
                if (known != null) {
                    return known;
                }
                Inode inode = new Inode((Integer) a.get("mode"))
                        .nlink((Integer) a.get("nlink"))
                        .uid((Integer) a.get("uid"))
                        .gid((Integer) a.get("gid"))
                        .rdev((Long) a.get("rdev") & 0xffffffffL)
                        .size((Long) a.get("size"))
                        .mtime(time((FileTime) a.get("lastModifiedTime")))
                        .ctime(time((FileTime) a.get("ctime")));
                if (inode.type() == FileType.SYMLINK) {
                    byte[] target = Files.readSymbolicLink(p).toString().getBytes();
                    inode.payload(target).size(target.length);
                } else if (inode.type() == FileType.REGULAR && inode.size() > 0) {
                    inode.payload(source.relativize(p).toString().getBytes());
                }
                if (!inode.isDirectory()) {
                    byKey.put(key, inode);
                }
                return inode;
            }

            private void enter(Path p, Inode inode) {
                if (parents.isEmpty()) {
                    root[0] = inode;
                } else {
                    parents.peek().addChild(Name.of(p.getFileName().toString()), inode);
                }
            }

            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Inode inode = inode(d);
                enter(d, inode);
                parents.push(inode);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                enter(f, inode(f));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
                parents.pop();
                return FileVisitResult.CONTINUE;
            }
        });
        return new Tree(root[0]);
    }

    private static Timespec time(FileTime t) {
        Instant i = t.toInstant();
        return new Timespec(i.getEpochSecond(), i.getNano());
    }

    @Test
    void usrShareDocSurvivesTheDescriptor() throws IOException {
        Path source = Path.of("/usr/share/doc");
        Assumptions.assumeTrue(Files.isDirectory(source), "no /usr/share/doc on this machine");
        Tree tree = scan(source);
        Path target = dir.resolve("doc.cfs");
        DescriptorWriter.write(tree, target);
        try (Image image = Image.open(target)) {
            assertTrue(image.inodeCount() > 100, "a real tree: " + image.inodeCount() + " inodes");
            assertEquals(ImageWalk.everything(image) + 1, countNames(tree), "every name is an entry");
            Tree back = ImageTree.read(image);
            TreeComparison.assertSameTree(tree, back);
            checkEveryPathResolves(tree, image);
        }
        byte[] again = DescriptorWriter.toBytes(scan(source));
        assertTrue(Arrays.equals(Files.readAllBytes(target), again), "the same directory gives the same bytes");
    }

    private static long countNames(Tree tree) {
        long[] n = {0};
        tree.walk((path, inode) -> n[0]++);
        return n[0];
    }

    /** Resolves every path of the tree name by name through {@link Image#lookup} and compares the stat. */
    private static void checkEveryPathResolves(Tree tree, Image image) throws IOException {
        tree.walk((path, inode) -> {
            long ino = image.rootInode();
            int start = 1;
            while (start < path.length) {
                int end = start;
                while (end < path.length && path[end] != '/') {
                    end++;
                }
                ino = image.lookup(ino, path, start, end - start);
                assertTrue(ino >= 0, "lookup of " + Name.of(path));
                start = end + 1;
            }
            Stat st = image.stat(ino);
            assertEquals(inode.mode(), st.mode(), Name.of(path).toString());
            assertEquals(inode.size(), st.size(), Name.of(path).toString());
            if (inode.type() == FileType.REGULAR && inode.size() > 0) {
                assertTrue(Arrays.equals(inode.payload(), ((Content.Backing) image.content(ino)).path()));
            }
        });
    }
}
