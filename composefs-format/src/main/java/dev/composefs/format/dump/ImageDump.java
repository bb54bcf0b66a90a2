package dev.composefs.format.dump;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Streams the dump of an {@link Image} straight from its directory cursors, without building a tree:
 * depth-first pre-order, each directory's entries in the image's stored (byte) order, as
 * {@code composefs-info dump} walks. Memory holds one cursor per open directory level and, for hard
 * links, the first path of each non-directory inode.
 */
final class ImageDump {
    private ImageDump() {
    }

    private record Frame(byte[] path, DirectoryCursor cursor) {
    }

    static void write(Image image, DumpWriter out) throws IOException {
        long rootIno = image.rootInode();
        Inode root = inode(image, rootIno);
        if (!root.isDirectory()) {
            throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, rootIno, "the root inode is not a directory");
        }
        out.entry(new byte[] {'/'}, root);
        Map<Long, byte[]> firstPaths = new HashMap<>();
        // Each directory is entered once: a corrupt image with a directory cycle cannot loop.
        Set<Long> enteredDirectories = new HashSet<>();
        enteredDirectories.add(rootIno);
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(new byte[0], image.openDirectory(rootIno)));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            DirectoryCursor cursor = top.cursor();
            if (!cursor.next()) {
                stack.pop();
                continue;
            }
            byte[] path = Arrays.copyOf(top.path(), top.path().length + 1 + cursor.nameLength());
            path[top.path().length] = '/';
            cursor.copyName(path, top.path().length + 1);
            long ino = cursor.inode();
            if (cursor.fileType() == FileType.DIRECTORY) {
                if (!enteredDirectories.add(ino)) {
                    throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, ino,
                            "directory inode " + ino + " is reachable under two names (a cycle or a hard-linked directory)");
                }
                out.entry(path, inode(image, ino));
                stack.push(new Frame(path, image.openDirectory(ino)));
                continue;
            }
            byte[] first = firstPaths.putIfAbsent(ino, path);
            if (first == null) {
                out.entry(path, inode(image, ino));
            } else {
                out.hardLink(path, inode(image, ino), first);
            }
        }
        out.flush();
    }

    /** The metadata of inode {@code ino} as a tree inode, to print one line. */
    private static Inode inode(Image image, long ino) throws IOException {
        Stat st = image.stat(ino);
        Inode inode = new Inode(st.mode()).nlink(st.nlink()).uid(st.uid()).gid(st.gid()).rdev(st.rdev())
                .size(st.size()).mtime(st.mtime()).ctime(st.ctime());
        inode.xattrs().addAll(image.xattrs(ino));
        if (st.type() == FileType.SYMLINK) {
            inode.payload(image.readSymlink(ino));
        } else if (st.type() == FileType.REGULAR) {
            Content c = image.content(ino);
            if (c instanceof Content.Backing b) {
                inode.payload(b.path()).digest(b.expectedDigest());
            } else if (c instanceof Content.Inline i) {
                inode.content(i.bytes());
            }
        }
        return inode;
    }
}
