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

    /** An open directory: the length of its path in the walk's buffer, and its cursor. */
    private record Frame(int length, DirectoryCursor cursor) {
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
        stack.push(new Frame(0, image.openDirectory(rootIno)));
        // One path buffer for the whole walk: a deep tree costs no copy of every ancestor's path.
        byte[] buffer = new byte[256];
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            DirectoryCursor cursor = top.cursor();
            if (!cursor.next()) {
                stack.pop();
                continue;
            }
            int length = top.length() + 1 + cursor.nameLength();
            if (length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(length, buffer.length * 2));
            }
            buffer[top.length()] = '/';
            cursor.copyName(buffer, top.length() + 1);
            long ino = cursor.inode();
            if (cursor.fileType() == FileType.DIRECTORY) {
                if (!enteredDirectories.add(ino)) {
                    throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, ino,
                            "directory inode " + ino + " is reachable under two names (a cycle or a hard-linked directory)");
                }
                out.line(buffer, length, inode(image, ino), null);
                stack.push(new Frame(length, image.openDirectory(ino)));
                continue;
            }
            byte[] first = firstPaths.get(ino);
            if (first == null) {
                firstPaths.put(ino, Arrays.copyOf(buffer, length));
            }
            out.line(buffer, length, inode(image, ino), first);
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
