package dev.composefs.format.image;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The bytes of one image file, read-only and little-endian: the one place where image readers touch
 * memory, and so the one home of bounds checking. Every read checks its offset and length against
 * the file size with overflow-safe arithmetic and reports a violation as a
 * {@link CorruptImageException} naming the file and offset; readers never index a buffer themselves.
 *
 * <p>A file is mapped whole with {@link FileChannel#map}. Images larger than {@link #MAX_SIZE} bytes
 * (2 GiB - 1, the limit of one mapping) are refused with an {@link UnsupportedImageException}: a
 * descriptor that size holds over 22 million inodes, far beyond any real tree, and refusing keeps
 * every read a single bounds check.
 *
 * <p>A mapped file must not be truncated in place while it is read: the kernel faults the lost pages
 * and the JVM throws an {@link InternalError} at some later point of the reading thread, which no
 * check here can turn into an {@link IOException}. Images are replaced by renaming a new file over
 * them, which leaves a mapping with the file it was made from.
 *
 * <p>Reads are absolute, so one instance may be shared by threads. After {@link #close()} every read
 * throws {@link ClosedChannelException}; the mapping itself is released by the garbage collector.
 */
public final class ImageData implements Closeable {
    /** The largest image this class maps. */
    public static final long MAX_SIZE = Integer.MAX_VALUE;

    private final Path file;
    private final ByteBuffer buffer;
    private final int size;
    /*
     * Plain, not volatile: closing is a courtesy check, not what keeps reads safe (a mapping is released
     * only by the garbage collector, so a reader racing a close still reads valid memory), and a
     * volatile read on every access would keep the JIT from merging the checks of neighbouring reads.
     */
    private boolean closed;

    private ImageData(Path file, ByteBuffer buffer) {
        this.file = file;
        this.buffer = buffer.order(ByteOrder.LITTLE_ENDIAN);
        this.size = buffer.capacity();
    }

    /**
     * Maps {@code file} read-only.
     *
     * @throws UnsupportedImageException if the file is larger than {@link #MAX_SIZE}
     */
    public static ImageData map(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = ch.size();
            if (length > MAX_SIZE) {
                throw new UnsupportedImageException(file + ": image is " + length
                        + " bytes; images larger than 2 GiB - 1 (" + MAX_SIZE + " bytes) are not supported");
            }
            ByteBuffer b = length == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, length);
            return new ImageData(file, b);
        }
    }

    /**
     * Wraps bytes already in memory (not copied; the caller must not change them).
     *
     * @param name the name used in messages, usually where the bytes came from
     */
    public static ImageData wrap(byte[] bytes, Path name) {
        return new ImageData(Objects.requireNonNull(name), ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    }

    /** The file, as named in messages. */
    public Path file() {
        return file;
    }

    /** The size in bytes. */
    public long size() {
        return size;
    }

    /** A corruption report for this file. */
    public CorruptImageException corrupt(long offset, long inode, String problem) {
        return new CorruptImageException(file, offset, inode, problem);
    }

    /** Whether {@code [offset, offset + length)} lies within the file; never overflows. */
    public boolean inBounds(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
    }

    /**
     * Checks that {@code [offset, offset + length)} lies within the file.
     *
     * @param what names the structure being read, for the message
     * @throws CorruptImageException if it does not
     */
    public void check(long offset, long length, long inode, String what) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        if (!inBounds(offset, length)) {
            throw corrupt(offset, inode, what + ": " + Long.toUnsignedString(length) + " bytes at offset "
                    + Long.toUnsignedString(offset) + " run past the end of the file (" + size + " bytes)");
        }
    }

    /**
     * {@link #check(long, long, long, String)} with a description made from {@code format} and
     * {@code detail} ({@link String#format} style) only if the check fails: checks on hot paths build
     * no strings.
     */
    public void check(long offset, long length, long inode, String format, long detail) throws IOException {
        if (closed || !inBounds(offset, length)) {
            check(offset, length, inode, String.format(format, detail));
        }
    }

    /** As {@link #check(long, long, long, String, long)}, with two details. */
    public void check(long offset, long length, long inode, String format, long detail, long detail2) throws IOException {
        if (closed || !inBounds(offset, length)) {
            check(offset, length, inode, String.format(format, detail, detail2));
        }
    }

    private int at(long offset, int length) throws IOException {
        if (closed || !inBounds(offset, length)) {
            check(offset, length, CorruptImageException.NO_INODE, "read");
        }
        return (int) offset;
    }

    /** The unsigned byte at {@code offset}. */
    public int u8(long offset) throws IOException {
        return buffer.get(at(offset, 1)) & 0xff;
    }

    /** The unsigned little-endian 16-bit value at {@code offset}. */
    public int u16(long offset) throws IOException {
        return buffer.getShort(at(offset, 2)) & 0xffff;
    }

    /** The unsigned little-endian 32-bit value at {@code offset}. */
    public long u32(long offset) throws IOException {
        return buffer.getInt(at(offset, 4)) & 0xffffffffL;
    }

    /** The little-endian 64-bit value at {@code offset}; callers treating it as unsigned check the sign. */
    public long u64(long offset) throws IOException {
        return buffer.getLong(at(offset, 8));
    }

    /**
     * The {@code length} bytes at {@code offset} as a {@link Window}, for decoding a fixed-size
     * structure with one check instead of one per field.
     *
     * @param what names the structure, for the message
     * @throws CorruptImageException if the range does not lie within the file
     */
    public Window window(long offset, int length, long inode, String what) throws IOException {
        if (closed || !inBounds(offset, length)) {
            check(offset, length, inode, what);
        }
        return new Window(buffer, (int) offset, length);
    }

    /**
     * A range of the file checked once when it was made ({@link #window}): reads at constant offsets
     * inside it are checked against its length alone, checks the JIT folds into one for a run of
     * neighbouring fields. An offset outside the window is a bug of the caller, not damage, and throws
     * {@link IndexOutOfBoundsException}.
     */
    public static final class Window {
        private final ByteBuffer buffer;
        private final int base;
        private final int length;

        private Window(ByteBuffer buffer, int base, int length) {
            this.buffer = buffer;
            this.base = base;
            this.length = length;
        }

        /** The unsigned byte at {@code at} within the window. */
        public int u8(int at) {
            return buffer.get(base + Objects.checkIndex(at, length)) & 0xff;
        }

        /** The unsigned little-endian 16-bit value at {@code at} within the window. */
        public int u16(int at) {
            return buffer.getShort(base + Objects.checkIndex(at, length - 1)) & 0xffff;
        }

        /** The unsigned little-endian 32-bit value at {@code at} within the window. */
        public long u32(int at) {
            return buffer.getInt(base + Objects.checkIndex(at, length - 3)) & 0xffffffffL;
        }

        /** The little-endian 64-bit value at {@code at} within the window. */
        public long u64(int at) {
            return buffer.getLong(base + Objects.checkIndex(at, length - 7));
        }
    }

    /** A copy of {@code length} bytes at {@code offset}. */
    public byte[] bytes(long offset, int length) throws IOException {
        byte[] b = new byte[length];
        copy(offset, b, 0, length);
        return b;
    }

    /** Copies {@code length} bytes at {@code offset} into {@code dst} at {@code dstOffset}. */
    public void copy(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        buffer.get(at(offset, length), dst, dstOffset, length);
    }

    /** The position of the first byte {@code value} in {@code [offset, offset + length)}, or -1. */
    public long indexOf(long offset, int length, byte value) throws IOException {
        return indexOfEither(offset, length, value, value);
    }

    /**
     * The position of the first byte that is {@code a} or {@code b} in {@code [offset, offset + length)},
     * or -1: one pass where a name is checked for both {@code /} and NUL.
     */
    public long indexOfEither(long offset, int length, byte a, byte b) throws IOException {
        int start = at(offset, length);
        int i = 0;
        // Eight bytes at a time: a directory check scans every name for '/' and NUL.
        long ma = LOW_BYTES * (a & 0xff);
        long mb = LOW_BYTES * (b & 0xff);
        while (i + 8 <= length) {
            long v = buffer.getLong(start + i);
            if (hasZeroByte(v ^ ma) || hasZeroByte(v ^ mb)) {
                break;
            }
            i += 8;
        }
        for (; i < length; i++) {
            byte c = buffer.get(start + i);
            if (c == a || c == b) {
                return offset + i;
            }
        }
        return -1;
    }

    private static final long LOW_BYTES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Whether some byte of {@code v} is zero. */
    private static boolean hasZeroByte(long v) {
        return ((v - LOW_BYTES) & ~v & HIGH_BITS) != 0;
    }

    /**
     * Compares the bytes at {@code offset} with {@code key[keyOffset, keyOffset + keyLength)} like
     * {@code memcmp} of unsigned bytes, a shorter prefix first; in place, without copying.
     */
    public int compare(long offset, int length, byte[] key, int keyOffset, int keyLength) throws IOException {
        Objects.checkFromIndexSize(keyOffset, keyLength, key.length);
        int a = at(offset, length);
        int n = Math.min(length, keyLength);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(buffer.get(a + i) & 0xff, key[keyOffset + i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(length, keyLength);
    }

    /** Compares two byte ranges of the file like {@link #compare(long, int, byte[], int, int)}. */
    public int compare(long offset, int length, long otherOffset, int otherLength) throws IOException {
        int a = at(offset, length);
        int b = at(otherOffset, otherLength);
        int n = Math.min(length, otherLength);
        int i = 0;
        // Eight bytes at a time, read little-endian and reversed so that unsigned order is byte order.
        while (i + 8 <= n) {
            long x = buffer.getLong(a + i);
            long y = buffer.getLong(b + i);
            if (x != y) {
                return Long.compareUnsigned(Long.reverseBytes(x), Long.reverseBytes(y));
            }
            i += 8;
        }
        int rest = n - i;
        if (rest > 0 && Math.max(a, b) + i <= size - 8) {
            // The last few bytes as one word each, the bytes past them masked off: names are short, and
            // a byte loop's exit is a branch the processor cannot predict.
            long mask = -1L >>> (64 - 8 * rest);
            long x = buffer.getLong(a + i) & mask;
            long y = buffer.getLong(b + i) & mask;
            if (x != y) {
                return Long.compareUnsigned(Long.reverseBytes(x), Long.reverseBytes(y));
            }
            return Integer.compare(length, otherLength);
        }
        for (; i < n; i++) {
            int c = Integer.compare(buffer.get(a + i) & 0xff, buffer.get(b + i) & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(length, otherLength);
    }

    /** Stops all further reads. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
