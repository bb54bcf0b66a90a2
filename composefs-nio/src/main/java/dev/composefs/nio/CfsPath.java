package dev.composefs.nio;

import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Stat;
import java.io.IOException;
import java.net.URI;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A path of a {@link CfsFileSystem}: bytes in normal form ({@link PathBytes}), compared as unsigned
 * bytes. Syntactic operations work on the bytes alone and keep working after the file system is
 * closed, as in the JDK's zip file system; operations that touch the image check that it is open.
 *
 * <p>A path handed out by a directory stream remembers the inode it names ({@link #inodeHint}), so a
 * walk that stats every entry does not search the image again for each one; the hint is not part of
 * the path's value.
 */
final class CfsPath implements Path {
    private static final long NO_HINT = -1;

    private final CfsFileSystem fs;
    private final byte[] path;
    private final long inodeHint;
    private volatile int[] offsets;
    private int hash;
    /** The attributes of {@link #inodeHint}, once read: the image never changes, so they never go stale. */
    private CfsAttributes attributes;

    CfsPath(CfsFileSystem fs, byte[] normalizedPath) {
        this(fs, normalizedPath, NO_HINT);
    }

    CfsPath(CfsFileSystem fs, byte[] normalizedPath, long inodeHint) {
        this.fs = fs;
        this.path = normalizedPath;
        this.inodeHint = inodeHint;
    }

    /** The path's bytes; the caller must not change them. */
    byte[] bytes() {
        return path;
    }

    /** The inode this path names without following a final symlink, if known; else -1. */
    long inodeHint() {
        return inodeHint;
    }

    /** The attributes of the hinted inode, if already read; else null. */
    CfsAttributes attributes() {
        return attributes;
    }

    /**
     * Remembers the attributes of the hinted inode, so the second stat of a walk's entry (the walker's,
     * then the visitor's) costs nothing. A race only stores equal snapshots; the record's final fields
     * make the plain field safe to publish.
     */
    void rememberAttributes(CfsAttributes a) {
        if (a.stat().ino() == inodeHint) {
            attributes = a;
        }
    }

    private int[] offsets() {
        int[] o = offsets;
        if (o == null) {
            if (path.length == 0) {
                o = new int[1];
            } else {
                int n = 0;
                for (int i = 0; i < path.length; i++) {
                    if (isNameStart(i)) {
                        n++;
                    }
                }
                o = new int[n];
                for (int i = 0, k = 0; i < path.length; i++) {
                    if (isNameStart(i)) {
                        o[k++] = i;
                    }
                }
            }
            offsets = o;
        }
        return o;
    }

    private boolean isNameStart(int i) {
        return path[i] != PathBytes.SEP && (i == 0 || path[i - 1] == PathBytes.SEP);
    }

    private int nameEnd(int i) {
        int[] o = offsets();
        return i + 1 < o.length ? o[i + 1] - 1 : path.length;
    }

    private CfsPath make(byte[] bytes) {
        return new CfsPath(fs, bytes);
    }

    @Override
    public CfsFileSystem getFileSystem() {
        return fs;
    }

    @Override
    public boolean isAbsolute() {
        return path.length > 0 && path[0] == PathBytes.SEP;
    }

    @Override
    public CfsPath getRoot() {
        return isAbsolute() ? fs.rootPath() : null;
    }

    @Override
    public CfsPath getFileName() {
        int n = getNameCount();
        if (n == 0) {
            return null;
        }
        if (n == 1 && !isAbsolute()) {
            return this;
        }
        return make(Arrays.copyOfRange(path, offsets()[n - 1], path.length));
    }

    @Override
    public CfsPath getParent() {
        int n = getNameCount();
        if (n == 0 || (n == 1 && !isAbsolute())) {
            return null;
        }
        if (n == 1) {
            return fs.rootPath();
        }
        return make(Arrays.copyOf(path, offsets()[n - 1] - 1));
    }

    @Override
    public int getNameCount() {
        return isAbsolute() && path.length == 1 ? 0 : offsets().length;
    }

    @Override
    public CfsPath getName(int index) {
        return subpath(index, index + 1);
    }

    @Override
    public CfsPath subpath(int beginIndex, int endIndex) {
        int n = getNameCount();
        if (beginIndex < 0 || beginIndex >= n || endIndex > n || beginIndex >= endIndex) {
            throw new IllegalArgumentException("subpath(" + beginIndex + ", " + endIndex + ") of a path with "
                    + n + " names");
        }
        return make(Arrays.copyOfRange(path, offsets()[beginIndex], nameEnd(endIndex - 1)));
    }

    private static CfsPath check(Path other) {
        Objects.requireNonNull(other, "other");
        if (!(other instanceof CfsPath p)) {
            throw new ProviderMismatchException("not a cfs: path: " + other.getClass().getName());
        }
        return p;
    }

    private boolean nameEquals(int i, CfsPath other, int j) {
        return Arrays.equals(path, offsets()[i], nameEnd(i), other.path, other.offsets()[j], other.nameEnd(j));
    }

    @Override
    public boolean startsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof CfsPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute() != isAbsolute()) {
            return false;
        }
        if (o.path.length == 0) {
            return path.length == 0;
        }
        int on = o.getNameCount();
        if (on > getNameCount()) {
            return false;
        }
        for (int i = 0; i < on; i++) {
            if (!nameEquals(i, o, i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean endsWith(Path other) {
        if (!(Objects.requireNonNull(other) instanceof CfsPath o) || o.fs != fs) {
            return false;
        }
        if (o.isAbsolute()) {
            return equals(o);
        }
        if (o.path.length == 0) {
            return path.length == 0;
        }
        int n = getNameCount();
        int on = o.getNameCount();
        if (on > n) {
            return false;
        }
        for (int i = 0; i < on; i++) {
            if (!nameEquals(n - on + i, o, i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public CfsPath normalize() {
        int n = getNameCount();
        boolean absolute = isAbsolute();
        List<int[]> kept = new ArrayList<>(n);
        boolean changed = false;
        for (int i = 0; i < n; i++) {
            int s = offsets()[i];
            int e = nameEnd(i);
            if (PathBytes.isDot(path, s, e - s)) {
                changed = true;
            } else if (PathBytes.isDotDot(path, s, e - s)) {
                int[] last = kept.isEmpty() ? null : kept.get(kept.size() - 1);
                if (last != null && !PathBytes.isDotDot(path, last[0], last[1] - last[0])) {
                    kept.remove(kept.size() - 1);
                    changed = true;
                } else if (absolute) {
                    changed = true;
                } else {
                    kept.add(new int[] {s, e});
                }
            } else {
                kept.add(new int[] {s, e});
            }
        }
        if (!changed) {
            return this;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(path.length);
        if (absolute) {
            out.write(PathBytes.SEP);
        }
        for (int k = 0; k < kept.size(); k++) {
            if (k > 0) {
                out.write(PathBytes.SEP);
            }
            out.write(path, kept.get(k)[0], kept.get(k)[1] - kept.get(k)[0]);
        }
        return make(out.toByteArray());
    }

    @Override
    public CfsPath resolve(Path other) {
        CfsPath o = check(other);
        if (o.isAbsolute()) {
            return o;
        }
        if (o.path.length == 0) {
            return this;
        }
        if (path.length == 0) {
            return o;
        }
        return make(join(path, o.path, 0, o.path.length));
    }

    /**
     * The entry {@code cursor} is at, as a child of this directory remembering its inode, and its
     * attributes if the cursor decoded them: the name is copied from the image straight into the new
     * path's bytes.
     */
    CfsPath resolveEntry(DirectoryCursor cursor) throws IOException {
        int len = cursor.nameLength();
        byte[] r = withRoomFor(path, len);
        cursor.copyName(r, r.length - len);
        CfsPath child = new CfsPath(fs, r, cursor.inode());
        Stat known = cursor.knownStat();
        if (known != null) {
            child.attributes = new CfsAttributes(known, fs);
        }
        return child;
    }

    /** This path with one more name; {@code hint} is the inode it names, if known (else -1). */
    CfsPath resolveName(byte[] name, int off, int len, long hint) {
        return new CfsPath(fs, join(path, name, off, len), hint);
    }

    private static byte[] join(byte[] a, byte[] b, int off, int len) {
        byte[] r = withRoomFor(a, len);
        System.arraycopy(b, off, r, r.length - len, len);
        return r;
    }

    /** {@code a}, a separator unless {@code a} is empty or ends in one, then {@code len} free bytes. */
    private static byte[] withRoomFor(byte[] a, int len) {
        boolean slash = a.length > 0 && a[a.length - 1] != PathBytes.SEP;
        byte[] r = new byte[a.length + (slash ? 1 : 0) + len];
        System.arraycopy(a, 0, r, 0, a.length);
        if (slash) {
            r[a.length] = PathBytes.SEP;
        }
        return r;
    }

    @Override
    public CfsPath resolve(String other) {
        return resolve(fs.getPath(other));
    }

    @Override
    public CfsPath relativize(Path other) {
        CfsPath o = check(other);
        if (o.fs != fs) {
            throw new ProviderMismatchException("paths of different cfs: file systems");
        }
        if (o.isAbsolute() != isAbsolute()) {
            throw new IllegalArgumentException("'other' is " + (o.isAbsolute() ? "" : "not ") + "absolute but this path is "
                    + (isAbsolute() ? "" : "not"));
        }
        if (equals(o)) {
            return make(new byte[0]);
        }
        if (path.length == 0) {
            return o;
        }
        CfsPath a = normalize();
        CfsPath b = o.normalize();
        int an = a.path.length == 0 || (a.isAbsolute() && a.path.length == 1) ? 0 : a.getNameCount();
        int bn = b.path.length == 0 || (b.isAbsolute() && b.path.length == 1) ? 0 : b.getNameCount();
        int common = 0;
        while (common < an && common < bn && a.nameEquals(common, b, common)) {
            common++;
        }
        for (int i = common; i < an; i++) {
            if (PathBytes.isDotDot(a.path, a.offsets()[i], a.nameEnd(i) - a.offsets()[i])) {
                throw new IllegalArgumentException("cannot relativize " + this + " against " + other
                        + ": this path has '..' that normalization cannot remove");
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = common; i < an; i++) {
            if (out.size() > 0) {
                out.write(PathBytes.SEP);
            }
            out.write('.');
            out.write('.');
        }
        for (int i = common; i < bn; i++) {
            if (out.size() > 0) {
                out.write(PathBytes.SEP);
            }
            out.write(b.path, b.offsets()[i], b.nameEnd(i) - b.offsets()[i]);
        }
        return make(out.toByteArray());
    }

    @Override
    public URI toUri() {
        return CfsUris.toUri(fs, toAbsolutePath().path);
    }

    @Override
    public CfsPath toAbsolutePath() {
        if (isAbsolute()) {
            return this;
        }
        byte[] abs = new byte[path.length + 1];
        abs[0] = PathBytes.SEP;
        System.arraycopy(path, 0, abs, 1, path.length);
        return new CfsPath(fs, PathBytes.normalizeSlashes(abs), inodeHint);
    }

    @Override
    public CfsPath toRealPath(LinkOption... options) throws IOException {
        return fs.resolver().realPath(this, LinkOptions.follow(options));
    }

    @Override
    public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
        Objects.requireNonNull(watcher, "watcher");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(modifiers, "modifiers");
        // cfs: has no watch service, so every watcher belongs to another provider (as in the JDK's zip provider).
        throw new ProviderMismatchException("a composefs image never changes: no watch service of this provider");
    }

    @Override
    public int compareTo(Path other) {
        return Arrays.compareUnsigned(path, ((CfsPath) other).path);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CfsPath p && p.fs == fs && Arrays.equals(p.path, path);
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(path);
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return PathBytes.toString(path);
    }
}
