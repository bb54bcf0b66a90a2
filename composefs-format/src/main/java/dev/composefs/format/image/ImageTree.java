package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Reads a whole {@link Image} into an in-memory {@link Tree}: what {@code composefs-dump} and round
 * trips need. Everything else should use the image directly.
 *
 * <p>Hard links come back as one {@link Inode} object entered under every name of the inode. The
 * walk is iterative and enters each directory inode at most once, so a directory graph corrupted into
 * a cycle (or a hard-linked directory) is reported as a {@link CorruptImageException} instead of
 * looping. Nesting deeper than {@link #MAX_DEPTH} is refused as well: no real tree comes near it, and
 * every consumer of a tree builds paths whose total size grows with the square of the depth.
 */
public final class ImageTree {
    /**
     * The deepest directory nesting accepted below the root: twice what a path of {@code PATH_MAX}
     * (4096) bytes can reach with one-byte names.
     */
    public static final int MAX_DEPTH = 4096;

    private ImageTree() {
    }

    /**
     * The tree of {@code image}, from its root.
     *
     * @throws CorruptImageException if the image is damaged, including a directory reachable under
     *                               two names or nested deeper than {@link #MAX_DEPTH}
     */
    public static Tree read(Image image) throws IOException {
        long rootIno = image.rootInode();
        Inode root = toInode(image, rootIno);
        if (!root.isDirectory()) {
            throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, rootIno,
                    "the root inode is not a directory");
        }
        Map<Long, Inode> nonDirectories = new HashMap<>();
        Set<Long> enteredDirectories = new HashSet<>();
        enteredDirectories.add(rootIno);
        Deque<Pending> pending = new ArrayDeque<>();
        pending.push(new Pending(rootIno, root, 0));
        while (!pending.isEmpty()) {
            Pending dir = pending.pop();
            DirectoryCursor cursor = image.openDirectory(dir.ino);
            while (cursor.next()) {
                long childIno = cursor.inode();
                Name name = cursor.name();
                Inode child;
                if (cursor.fileType() == FileType.DIRECTORY) {
                    if (!enteredDirectories.add(childIno)) {
                        throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, dir.ino,
                                "entry '" + name + "' names directory inode " + childIno
                                        + ", which is already in the tree (a cycle or a hard-linked directory)");
                    }
                    if (dir.depth >= MAX_DEPTH) {
                        throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, dir.ino,
                                "directories nested deeper than " + MAX_DEPTH + " levels");
                    }
                    child = toInode(image, childIno);
                    pending.push(new Pending(childIno, child, dir.depth + 1));
                } else {
                    child = nonDirectories.get(childIno);
                    if (child == null) {
                        child = toInode(image, childIno);
                        nonDirectories.put(childIno, child);
                    }
                }
                if (child.type() != cursor.fileType()) {
                    throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, dir.ino,
                            "entry '" + name + "' has type " + cursor.fileType() + " but inode " + childIno
                                    + " is " + child.type());
                }
                addChild(image, dir, name, child);
            }
        }
        return new Tree(root);
    }

    private static void addChild(Image image, Pending dir, Name name, Inode child) throws CorruptImageException {
        try {
            dir.inode.addChild(name, child);
        } catch (IllegalArgumentException e) {
            throw new CorruptImageException(image.path(), CorruptImageException.NO_OFFSET, dir.ino,
                    "bad directory entry: " + e.getMessage());
        }
    }

    private static Inode toInode(Image image, long ino) throws IOException {
        Stat st = image.stat(ino);
        Inode inode = new Inode(st.mode())
                .nlink(st.nlink())
                .uid(st.uid())
                .gid(st.gid())
                .rdev(st.rdev())
                .size(st.size())
                .mtime(st.mtime())
                .ctime(st.ctime());
        for (Xattr x : image.xattrs(ino)) {
            inode.xattrs().add(x);
        }
        switch (st.type()) {
            case SYMLINK:
                inode.payload(image.readSymlink(ino));
                break;
            case REGULAR:
                Content c = image.content(ino);
                if (c instanceof Content.Backing b) {
                    // An empty path: the image names no backing file (mkcomposefs of a dump line without one).
                    inode.payload(b.path().length == 0 ? null : b.path()).digest(b.expectedDigest());
                } else if (c instanceof Content.Inline i) {
                    inode.content(i.bytes());
                }
                break;
            default:
                break;
        }
        return inode;
    }

    private record Pending(long ino, Inode inode, int depth) {
    }
}
