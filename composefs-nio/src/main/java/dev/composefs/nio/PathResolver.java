package dev.composefs.nio;

import dev.composefs.format.image.Image;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves paths to inodes inside the image, as the kernel resolves them in a mounted composefs:
 * {@code ..} is physical (the parent of the directory reached, never above the root), symlinks are
 * followed inside the image (an absolute target starts again at the image root), and more than
 * {@value #MAX_SYMLINKS} symlinks end the walk with "Too many levels of symbolic links" (ELOOP).
 *
 * <p>Each name costs one binary search in its directory. Resolved paths are remembered in a bounded
 * cache keyed by the path's bytes: the image never changes, so an entry never goes stale, and the
 * cache costs nothing at open. When it fills up it is emptied, which bounds its memory without
 * bookkeeping on the hot path.
 */
final class PathResolver {
    /** The kernel's limit on symlinks followed in one resolution ({@code MAXSYMLINKS}). */
    static final int MAX_SYMLINKS = 40;
    /** The longest name the kernel looks up ({@code NAME_MAX}); a longer one is ENAMETOOLONG. */
    static final int NAME_MAX = 255;
    private static final byte[] DOT = {'.'};
    private static final int CACHE_ENTRIES = 8192;

    private final CfsFileSystem fs;
    private final Map<CfsPath, Long> followed = new ConcurrentHashMap<>();
    private final Map<CfsPath, Long> unfollowed = new ConcurrentHashMap<>();

    PathResolver(CfsFileSystem fs) {
        this.fs = fs;
    }

    /**
     * The inode {@code path} names; a final symlink is followed if {@code follow}.
     *
     * @throws NoSuchFileException if a name along the way is missing
     */
    long lookup(CfsPath path, boolean follow) throws IOException {
        Image image = fs.image();
        long hint = path.inodeHint();
        if (hint >= 0 && (!follow || fs.fileType(path, hint) != FileType.SYMLINK)) {
            return hint;
        }
        Map<CfsPath, Long> cache = follow ? followed : unfollowed;
        Long cached = cache.get(path);
        if (cached != null) {
            return cached;
        }
        long ino = walk(image, path, follow, null);
        if (cache.size() >= CACHE_ENTRIES) {
            cache.clear();
        }
        cache.put(path, ino);
        return ino;
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
        walk(fs.image(), path, follow, names);
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
                    && fs.image().fileType(lookup(result, false)) != FileType.SYMLINK) {
                CfsPath parent = result.getParent();
                result = parent == null ? fs.rootPath() : parent;
                continue;
            }
            result = result.resolveName(name, 0, name.length, -1);
        }
        lookup(result, false);
        return result;
    }

    /** A run of names still to resolve: {@code bytes[pos, end)}, names separated by slashes. */
    private static final class Segment {
        final byte[] bytes;
        int pos;

        Segment(byte[] bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * Walks {@code path} from the root; fills {@code names} with the names of the directories
     * entered, if given. Returns the final inode.
     */
    private long walk(Image image, CfsPath path, boolean follow, List<byte[]> names) throws IOException {
        long root = image.rootInode();
        Deque<Long> dirs = new ArrayDeque<>();
        long cur = root;
        // The names still to resolve: the path, with the targets of symlinks met pushed in front of it.
        Deque<Segment> pending = new ArrayDeque<>();
        pending.push(new Segment(path.bytes()));
        int links = 0;
        while (true) {
            Segment seg = nextName(pending);
            if (seg == null) {
                return cur;
            }
            byte[] b = seg.bytes;
            int start = seg.pos;
            int end = start;
            while (end < b.length && b[end] != PathBytes.SEP) {
                end++;
            }
            seg.pos = end;
            int len = end - start;
            if (PathBytes.isDot(b, start, len)) {
                continue;
            }
            if (PathBytes.isDotDot(b, start, len)) {
                if (!dirs.isEmpty()) {
                    cur = dirs.pop();
                    if (names != null) {
                        names.remove(names.size() - 1);
                    }
                }
                continue;
            }
            if (len > NAME_MAX) {
                throw new FileSystemException(path.toString(), null, "File name too long");
            }
            long child;
            try {
                child = image.lookup(cur, b, start, len);
            } catch (NotDirectoryException e) {
                throw new FileSystemException(path.toString(), null, "Not a directory");
            }
            if (child < 0) {
                throw new NoSuchFileException(path.toString());
            }
            FileType type = image.fileType(child);
            boolean last = nextName(pending) == null;
            if (type == FileType.SYMLINK && (!last || follow)) {
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
                if (target.length > 1 && target[target.length - 1] == PathBytes.SEP) {
                    // "file/": a trailing slash requires a directory, as the kernel does; a final "."
                    // makes the last name of the target an intermediate one, which must be a directory.
                    pending.push(new Segment(DOT));
                }
                pending.push(new Segment(target));
                continue;
            }
            if (!last && type != FileType.DIRECTORY) {
                throw new FileSystemException(path.toString(), null, "Not a directory");
            }
            dirs.push(cur);
            cur = child;
            if (names != null) {
                names.add(java.util.Arrays.copyOfRange(b, start, end));
            }
        }
    }

    /**
     * The segment holding the next name, positioned at it (slashes skipped), or null if every name
     * has been resolved; finished segments are dropped.
     */
    private static Segment nextName(Deque<Segment> pending) {
        while (!pending.isEmpty()) {
            Segment s = pending.peek();
            while (s.pos < s.bytes.length && s.bytes[s.pos] == PathBytes.SEP) {
                s.pos++;
            }
            if (s.pos < s.bytes.length) {
                return s;
            }
            pending.pop();
        }
        return null;
    }
}
