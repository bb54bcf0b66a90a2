package dev.composefs.format.tree.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads xattrs of every namespace ({@code security.*}, {@code trusted.*}, {@code system.posix_acl_*},
 * {@code user.*}) with the C library's {@code llistxattr(2)} and {@code lgetxattr(2)}, called through
 * JNA; the JDK exposes only {@code user.*}. Paths, names and values cross as bytes, never as strings.
 */
final class NativeXattrReader implements XattrReader {
    /**
     * The slice of the C library this reader calls, bound by JNA's direct mapping (several times
     * cheaper per call than an interface proxy, which matters at two calls per scanned file);
     * {@code ssize_t}/{@code size_t} are C longs on Linux.
     */
    static final class LibC {
        static {
            Native.register(LibC.class, "c");
        }

        private LibC() {
        }

        /** {@code ssize_t llistxattr(const char *path, char *list, size_t size)}. */
        static native NativeLong llistxattr(byte[] path, byte[] list, NativeLong size) throws LastErrorException;

        /** {@code ssize_t lgetxattr(const char *path, const char *name, void *value, size_t size)}. */
        static native NativeLong lgetxattr(byte[] path, byte[] name, byte[] value, NativeLong size) throws LastErrorException;

        /** Runs the static initialiser, so a missing library fails here and not at the first call. */
        static void bind() {
            // The class is initialised by the time this runs.
        }
    }

    private static final int ENODATA = 61;
    private static final int ERANGE = 34;
    private static final int ENOTSUP = 95;
    /** The kernel's XATTR_LIST_MAX and XATTR_SIZE_MAX: no list or value is larger. */
    private static final int XATTR_MAX = 65536;
    /** How often to retry when a list or value grows between the size query and the read. */
    private static final int RETRIES = 8;
    private static final byte[] USER_PREFIX = {'u', 's', 'e', 'r', '.'};

    private NativeXattrReader() {
    }

    /**
     * Binds the C library.
     *
     * @throws LinkageError if JNA or its native dispatch library cannot be loaded
     */
    static NativeXattrReader load() {
        LibC.bind();
        return new NativeXattrReader();
    }

    @Override
    public List<Xattr> read(byte[] rawPath, Path file, FileType type, boolean userOnly) throws IOException {
        byte[] cpath = Arrays.copyOf(rawPath, rawPath.length + 1);
        byte[] list = listNames(cpath, file);
        List<Xattr> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < list.length; i++) {
            if (list[i] != 0) {
                continue;
            }
            if (i > start && (!userOnly || startsWithUser(list, start, i))) {
                byte[] cname = Arrays.copyOfRange(list, start, i + 1);
                byte[] value = value(cpath, cname, file);
                if (value != null) {
                    out.add(Xattr.of(Name.of(list, start, i - start), value));
                }
            }
            start = i + 1;
        }
        return out;
    }

    /** The NUL-separated name list; empty when the file system has no xattrs. */
    private byte[] listNames(byte[] cpath, Path file) throws IOException {
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            int size;
            try {
                size = checkedSize(LibC.llistxattr(cpath, null, new NativeLong(0)), file, "llistxattr");
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENOTSUP) {
                    return new byte[0];
                }
                throw failure(file, "llistxattr", e);
            }
            if (size == 0) {
                return new byte[0];
            }
            byte[] buf = new byte[size];
            try {
                int n = checkedSize(LibC.llistxattr(cpath, buf, new NativeLong(size)), file, "llistxattr");
                return Arrays.copyOf(buf, n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != ERANGE) {
                    throw failure(file, "llistxattr", e);
                }
            }
        }
        throw new IOException(file + ": xattr list kept changing while being read");
    }

    /** The value of xattr {@code cname} (NUL-terminated), or {@code null} if it vanished meanwhile. */
    private byte[] value(byte[] cpath, byte[] cname, Path file) throws IOException {
        String what = "lgetxattr " + new String(cname, 0, cname.length - 1, java.nio.charset.StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < RETRIES; attempt++) {
            try {
                int size = checkedSize(LibC.lgetxattr(cpath, cname, null, new NativeLong(0)), file, what);
                byte[] buf = new byte[size];
                if (size == 0) {
                    return buf;
                }
                int n = checkedSize(LibC.lgetxattr(cpath, cname, buf, new NativeLong(size)), file, what);
                return Arrays.copyOf(buf, n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENODATA) {
                    return null;
                }
                if (e.getErrorCode() != ERANGE) {
                    throw failure(file, what, e);
                }
            }
        }
        throw new IOException(file + ": " + what + ": value kept changing while being read");
    }

    private static int checkedSize(NativeLong n, Path file, String call) throws IOException {
        long v = n.longValue();
        if (v < 0 || v > XATTR_MAX) {
            throw new IOException(file + ": " + call + " returned an impossible size " + v);
        }
        return (int) v;
    }

    private static IOException failure(Path file, String call, LastErrorException e) {
        return new IOException(file + ": " + call + " failed with errno " + e.getErrorCode(), e);
    }

    private static boolean startsWithUser(byte[] list, int start, int end) {
        return end - start > USER_PREFIX.length
                && Arrays.equals(list, start, start + USER_PREFIX.length, USER_PREFIX, 0, USER_PREFIX.length);
    }
}
