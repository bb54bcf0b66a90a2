package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Exercises every read operation of an {@link Image} on every entry reachable from the root: list,
 * lookup of each listed name (which must find the listed inode), stat, xattrs, and readlink or
 * content by type. Each directory is entered once, so a damaged image cannot make the walk loop.
 */
final class ImageWalk {
    private ImageWalk() {
    }

    /** Walks {@code image}; returns the number of entries seen. */
    static long walk(Image image) throws IOException {
        Deque<Long> pending = new ArrayDeque<>();
        Set<Long> entered = new HashSet<>();
        long root = image.rootInode();
        pending.add(root);
        entered.add(root);
        visit(image, root);
        long entries = 0;
        while (!pending.isEmpty()) {
            long dir = pending.poll();
            DirectoryCursor c = image.openDirectory(dir);
            while (c.next()) {
                entries++;
                Name name = c.name();
                long ino = c.inode();
                assertEquals(ino, image.lookup(dir, name), () -> "lookup of " + name);
                Stat st = visit(image, ino);
                assertEquals(st.type(), c.fileType(), () -> "type of " + name);
                if (st.type() == FileType.DIRECTORY && entered.add(ino)) {
                    pending.add(ino);
                }
            }
        }
        assertEquals(-1, image.lookup(root, Name.of("no such entry \u00e9")));
        return entries;
    }

    /** The number of distinct inodes reachable from the root of {@code image}, the root included. */
    static long distinctInodes(Image image) throws IOException {
        Set<Long> seen = new HashSet<>();
        Deque<Long> pending = new ArrayDeque<>();
        seen.add(image.rootInode());
        pending.add(image.rootInode());
        while (!pending.isEmpty()) {
            DirectoryCursor c = image.openDirectory(pending.poll());
            while (c.next()) {
                if (seen.add(c.inode()) && c.fileType() == FileType.DIRECTORY) {
                    pending.add(c.inode());
                }
            }
        }
        return seen.size();
    }

    private static Stat visit(Image image, long ino) throws IOException {
        Stat st = image.stat(ino);
        assertEquals(st.type(), image.fileType(ino), () -> "fileType of inode " + ino);
        image.xattrs(ino);
        if (st.type() == FileType.SYMLINK) {
            image.readSymlink(ino);
        } else if (st.type() == FileType.REGULAR) {
            image.content(ino);
        }
        return st;
    }
}
