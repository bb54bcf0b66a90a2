package dev.composefs.format.testutil;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Creates test files the JDK cannot: names and symlink targets with arbitrary bytes, FIFOs, device
 * nodes, xattrs of every namespace. Paths are bytes; a {@link Path} argument is converted with its
 * (ASCII) string form.
 */
public final class NativeTestFiles {
    /** Test-only C library calls. */
    public interface LibC extends Library {
        int creat(byte[] path, int mode) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int mkdir(byte[] path, int mode) throws LastErrorException;

        int symlink(byte[] target, byte[] linkpath) throws LastErrorException;

        int mkfifo(byte[] path, int mode) throws LastErrorException;

        int mknod(byte[] path, int mode, long dev) throws LastErrorException;

        int lsetxattr(byte[] path, byte[] name, byte[] value, NativeLong size, int flags) throws LastErrorException;

        NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

        int chmod(byte[] path, int mode) throws LastErrorException;

        int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;
    }

    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;

    private static final LibC LIBC = Native.load("c", LibC.class);

    private NativeTestFiles() {
    }

    /** {@code dir}'s path bytes, a slash and {@code name}, NUL-terminated. */
    public static byte[] child(Path dir, byte[] name) {
        byte[] d = dir.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[d.length + 1 + name.length + 1];
        System.arraycopy(d, 0, out, 0, d.length);
        out[d.length] = '/';
        System.arraycopy(name, 0, out, d.length + 1, name.length);
        return out;
    }

    private static byte[] c(byte[] b) {
        return b.length > 0 && b[b.length - 1] == 0 ? b : Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] c(Path p) {
        return c(p.toString().getBytes(StandardCharsets.US_ASCII));
    }

    /** Creates an empty regular file at {@code path} (bytes). */
    public static void createFile(byte[] path) throws IOException {
        try {
            LIBC.close(LIBC.creat(c(path), 0644));
        } catch (LastErrorException e) {
            throw new IOException("creat: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a regular file at {@code path} (bytes) holding {@code content}. */
    public static void writeFile(byte[] path, byte[] content) throws IOException {
        try {
            int fd = LIBC.creat(c(path), 0644);
            try {
                if (content.length > 0 && LIBC.write(fd, content, new NativeLong(content.length)).longValue() != content.length) {
                    throw new IOException("short write");
                }
            } finally {
                LIBC.close(fd);
            }
        } catch (LastErrorException e) {
            throw new IOException("creat/write: errno " + e.getErrorCode(), e);
        }
    }

    /** Sets the permission bits of {@code path} (bytes), following symlinks. */
    public static void chmod(byte[] path, int mode) throws IOException {
        try {
            LIBC.chmod(c(path), mode);
        } catch (LastErrorException e) {
            throw new IOException("chmod: errno " + e.getErrorCode(), e);
        }
    }

    /** Sets atime and mtime of {@code path} (bytes) to the given time, not following symlinks. */
    public static void setMtime(byte[] path, long seconds, int nanos) throws IOException {
        try {
            LIBC.utimensat(AT_FDCWD, c(path), new long[] {seconds, nanos, seconds, nanos}, AT_SYMLINK_NOFOLLOW);
        } catch (LastErrorException e) {
            throw new IOException("utimensat: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a FIFO at {@code path} (bytes). */
    public static void mkfifo(byte[] path, int mode) throws IOException {
        try {
            LIBC.mkfifo(c(path), mode);
        } catch (LastErrorException e) {
            throw new IOException("mkfifo: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a directory at {@code path} (bytes). */
    public static void mkdir(byte[] path) throws IOException {
        try {
            LIBC.mkdir(c(path), 0755);
        } catch (LastErrorException e) {
            throw new IOException("mkdir: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a symlink at {@code link} pointing at {@code target}, both bytes. */
    public static void symlink(byte[] target, byte[] link) throws IOException {
        try {
            LIBC.symlink(c(target), c(link));
        } catch (LastErrorException e) {
            throw new IOException("symlink: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a FIFO. */
    public static void mkfifo(Path path, int mode) throws IOException {
        try {
            LIBC.mkfifo(c(path), mode);
        } catch (LastErrorException e) {
            throw new IOException("mkfifo: errno " + e.getErrorCode(), e);
        }
    }

    /** Creates a device node ({@code mode} includes S_IFCHR or S_IFBLK; {@code dev} as glibc encodes it). */
    public static void mknod(Path path, int mode, long dev) throws IOException {
        try {
            LIBC.mknod(c(path), mode, dev);
        } catch (LastErrorException e) {
            throw new IOException("mknod: errno " + e.getErrorCode(), e);
        }
    }

    /** Sets xattr {@code name} on {@code path} (bytes), not following symlinks. */
    public static void setXattr(byte[] path, String name, byte[] value) throws IOException {
        try {
            LIBC.lsetxattr(c(path), c(name.getBytes(StandardCharsets.UTF_8)), value, new NativeLong(value.length), 0);
        } catch (LastErrorException e) {
            throw new IOException("lsetxattr " + name + ": errno " + e.getErrorCode(), e);
        }
    }

    /** Sets xattr {@code name} on {@code path}, not following symlinks. */
    public static void setXattr(Path path, String name, byte[] value) throws IOException {
        setXattr(c(path), name, value);
    }

    /** glibc's {@code makedev}. */
    public static long makedev(long major, long minor) {
        return ((major & 0xfffL) << 8) | ((major & ~0xfffL) << 32) | (minor & 0xffL) | ((minor & ~0xffL) << 12);
    }
}
