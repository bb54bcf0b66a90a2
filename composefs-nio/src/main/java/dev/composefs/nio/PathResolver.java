package dev.composefs.nio;

import dev.composefs.format.image.Image;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves paths to inodes inside the image, as the kernel resolves them in a mounted composefs:
 * {@code ..} is physical (the parent of the directory reached, never above the root), symlinks are
 * followed inside the image (an absolute target starts again at the image root), and more than
 * {@value #MAX_SYMLINKS} symlinks end the walk with "Too many levels of symbolic links" (ELOOP).
 */
final class PathResolver {
    /** The kernel's limit on symlinks followed in one resolution ({@code MAXSYMLINKS}). */
    static final int MAX_SYMLINKS = 40;
    /** The longest name the kernel looks up ({@code NAME_MAX}); a longer one is ENAMETOOLONG. */
    static final int NAME_MAX = 255;

    private final CfsFileSystem fs;

    PathResolver(CfsFileSystem fs) {
        this.fs = fs;
    }

    /**
     * The inode {@code path} names; a final symlink is followed if {@code follow}.
     *
     * @throws NoSuchFileException if a name along the way is missing
     */
    long lookup(CfsPath path, boolean follow) throws IOException {
        long hint = path.inodeHint();
        if (hint >= 0) {
            Image image = fs.image();
            if (!follow || image.stat(hint).type() != FileType.SYMLINK) {
                return hint;
            }
        }
        return walk(path, follow, null);
    }

    /**
     * The real path: with {@code follow}, the absolute path without symlinks and dot names; without,
     * the absolute path with no symlink resolved, as {@link java.nio.file.Path#toRealPath} specifies
     * for {@code NOFOLLOW_LINKS} (see {@link #realPathNoFollow}).
     */
    CfsPath realPath(CfsPath path, boolean follow) throws IOException {
        if (!follow) {
            return realPathNoFollow(path);
        }
        List<byte[]> names = new ArrayList<>();
        walk(path, follow, names);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] n : names) {
            out.write(PathBytes.SEP);
            out.writeBytes(n);
        }
        if (out.size() == 0) {
            out.write(PathBytes.SEP);
        }
        return new CfsPath(fs, out.toByteArray());
    }

    /**
     * Walks {@code path} from the root; fills {@code names} with the names of the directories
     * entered, if given. Returns the final inode.
     */
    private long walk(CfsPath path, boolean follow, List<byte[]> names) throws IOException {
        Image image = fs.image();
        long root = image.rootInode();
        Deque<Long> dirs = new ArrayDeque<>();
        long cur = root;
        // Pending names to resolve, first name on top; a symlink's target is pushed in front of the rest.
        Deque<byte[]> pending = new ArrayDeque<>();
        pushNames(pending, path.bytes());
        int links = 0;
        while (!pending.isEmpty()) {
            byte[] name = pending.pop();
            if (PathBytes.isDot(name, 0, name.length)) {
                continue;
            }
            if (PathBytes.isDotDot(name, 0, name.length)) {
                if (!dirs.isEmpty()) {
                    cur = dirs.pop();
                    if (names != null) {
                        names.remove(names.size() - 1);
                    }
                }
                continue;
            }
            if (name.length > NAME_MAX) {
                throw new FileSystemException(path.toString(), null, "File name too long");
            }
            long child;
            try {
                child = image.lookup(cur, name, 0, name.length);
            } catch (NotDirectoryException e) {
                throw new FileSystemException(path.toString(), null, "Not a directory");
            }
            if (child < 0) {
                throw new NoSuchFileException(path.toString());
            }
            Stat st = image.stat(child);
            boolean last = pending.isEmpty();
            if (st.type() == FileType.SYMLINK && (!last || follow)) {
                if (++links > MAX_SYMLINKS) {
                    throw new FileSystemException(path.toString(), null, "Too many levels of symbolic links");
                }
                byte[] target = image.readSymlink(child);
                if (target.length == 0) {
                    throw new NoSuchFileException(path.toString());
                }
                if (target[0] == PathBytes.SEP) {
                    dirs.clear();
                    cur = root;
                    if (names != null) {
                        names.clear();
                    }
                }
                pushNames(pending, target);
                continue;
            }
            if (!last && st.type() != FileType.DIRECTORY) {
                throw new FileSystemException(path.toString(), null, "Not a directory");
            }
            dirs.push(cur);
            cur = child;
            if (names != null) {
                names.add(name);
            }
        }
        return cur;
    }

    /**
     * {@code toRealPath(NOFOLLOW_LINKS)} as the JDK's Unix provider does it: {@code .} is dropped,
     * {@code ..} removes the previous name unless that name is a symlink (then it stays, since only
     * following the link would say where it leads), and the result must exist (its last name not
     * followed).
     */
    private CfsPath realPathNoFollow(CfsPath path) throws IOException {
        CfsPath abs = path.toAbsolutePath();
        CfsPath result = fs.rootPath();
        for (int i = 0; i < abs.getNameCount(); i++) {
            byte[] name = abs.getName(i).bytes();
            if (PathBytes.isDot(name, 0, name.length)) {
                continue;
            }
            if (PathBytes.isDotDot(name, 0, name.length)
                    && fs.image().stat(lookup(result, false)).type() != FileType.SYMLINK) {
                CfsPath parent = result.getParent();
                result = parent == null ? fs.rootPath() : parent;
                continue;
            }
            result = result.resolveName(name, 0, name.length, -1);
        }
        lookup(result, false);
        return result;
    }

    /**
     * Pushes the names of {@code path} onto {@code pending} so that its first name is on top. A
     * trailing slash (in a symlink target: "file/") becomes a final "." name, so that the name before
     * it must be a directory, as the kernel requires.
     */
    private static void pushNames(Deque<byte[]> pending, byte[] path) {
        int end = path.length;
        if (end > 1 && path[end - 1] == PathBytes.SEP) {
            pending.push(new byte[] {'.'});
        }
        while (end > 0) {
            while (end > 0 && path[end - 1] == PathBytes.SEP) {
                end--;
            }
            int start = end;
            while (start > 0 && path[start - 1] != PathBytes.SEP) {
                start--;
            }
            if (end > start) {
                pending.push(java.util.Arrays.copyOfRange(path, start, end));
            }
            end = start;
        }
    }
}
