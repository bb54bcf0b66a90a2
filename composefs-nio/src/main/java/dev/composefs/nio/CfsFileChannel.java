package dev.composefs.nio;

import dev.composefs.verity.VerifiedChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The read-only {@link FileChannel} every open file of a {@code cfs:} file system gets: over inline
 * bytes from the image, over a backing object, or over a {@link VerifiedChannel} of one. Each caller
 * gets its own channel (and its own underlying one), so an interrupt closes only the interrupted
 * caller's channel.
 *
 * <p>{@link #map} of an unverified backing file maps the file itself; verified or inline content is
 * first copied, verified, into a private unlinked temporary file, so a mapping never shows bytes that
 * were not checked.
 */
final class CfsFileChannel extends FileChannel {
    private final FileSystemState state;
    private final byte[] inline;
    private final SeekableByteChannel backing;
    private final String name;
    private final OpenFileLimit.Slot slot;
    private final long size;
    private final Object lock = new Object();
    private long position;

    private CfsFileChannel(FileSystemState state, byte[] inline, SeekableByteChannel backing, String name,
                           OpenFileLimit.Slot slot, long size) {
        this.state = state;
        this.inline = inline;
        this.backing = backing;
        this.name = name;
        this.slot = slot;
        this.size = size;
    }

    /** A channel over content held in memory, holding {@code slot} until it closes. */
    static CfsFileChannel ofBytes(FileSystemState state, byte[] content, OpenFileLimit.Slot slot) throws IOException {
        return state.register(new CfsFileChannel(state, content, null, null, slot, content.length));
    }

    /**
     * A channel over a backing object (plain or verified) of the file {@code name}, holding {@code slot}
     * until it closes; takes ownership of {@code backing}.
     */
    static CfsFileChannel ofBacking(FileSystemState state, SeekableByteChannel backing, String name,
                                    OpenFileLimit.Slot slot) throws IOException {
        long size;
        try {
            size = backing.size();
        } catch (IOException e) {
            backing.close();
            throw e;
        }
        return state.register(new CfsFileChannel(state, null, backing, name, slot, size));
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        synchronized (lock) {
            int n = read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        synchronized (lock) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                int n = read(dsts[i], position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dsts[i].hasRemaining()) {
                    break;
                }
            }
            return total;
        }
    }

    @Override
    public int read(ByteBuffer dst, long pos) throws IOException {
        Objects.requireNonNull(dst, "dst");
        if (pos < 0) {
            throw new IllegalArgumentException("negative position: " + pos);
        }
        ensureOpen();
        // An empty buffer reads 0 bytes, even at or past the end, as the JDK's FileChannel does.
        if (!dst.hasRemaining()) {
            return 0;
        }
        if (pos >= size) {
            return -1;
        }
        boolean completed = false;
        try {
            // Inline content too: an interrupted reader gets ClosedByInterruptException whatever the
            // file's storage, as from the JDK's FileChannel.
            begin();
            int n;
            if (inline != null) {
                n = (int) Math.min(dst.remaining(), size - pos);
                dst.put(inline, (int) pos, n);
            } else {
                n = readBacking(dst, pos);
                if (n < 0) {
                    // The object was checked to have the file's size when opened: it shrank since.
                    throw new FileSystemException(name, null, "backing object ended at " + pos
                            + " bytes, before the file's " + size + " bytes: it was truncated while open");
                }
            }
            completed = true;
            return n;
        } finally {
            end(completed);
        }
    }

    private int readBacking(ByteBuffer dst, long pos) throws IOException {
        if (backing instanceof VerifiedChannel v) {
            return v.read(dst, pos);
        }
        if (backing instanceof FileChannel f) {
            return f.read(dst, pos);
        }
        synchronized (backing) {
            backing.position(pos);
            return backing.read(dst);
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        synchronized (lock) {
            return position;
        }
    }

    @Override
    public CfsFileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position: " + newPosition);
        }
        ensureOpen();
        synchronized (lock) {
            position = newPosition;
        }
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public long transferTo(long pos, long count, WritableByteChannel target) throws IOException {
        Objects.requireNonNull(target, "target");
        if (pos < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        ensureOpen();
        long done = 0;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Math.max(count, 1), 64 * 1024));
        while (done < count) {
            buf.clear().limit((int) Math.min(buf.capacity(), count - done));
            int n = read(buf, pos + done);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                target.write(buf);
            }
            done += n;
        }
        return done;
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long pos, long length) throws IOException {
        Objects.requireNonNull(mode, "mode");
        if (mode != MapMode.READ_ONLY) {
            throw new NonWritableChannelException();
        }
        if (pos < 0 || length < 0 || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid region " + pos + "+" + length);
        }
        ensureOpen();
        if (backing instanceof FileChannel f) {
            return f.map(MapMode.READ_ONLY, pos, length);
        }
        if (pos > size || length > size - pos) {
            // As the JDK's read-only FileChannel: a mapping cannot extend the file.
            throw new IOException("Channel not open for writing - cannot extend file to required size");
        }
        Path tmp = Files.createTempFile("cfs-map", ".bin");
        try (FileChannel copy = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            long end = Math.min(size, pos + length);
            if (end > pos) {
                transferTo(pos, end - pos, copy);
            }
            return copy.map(MapMode.READ_ONLY, 0, length);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public FileLock lock(long pos, long length, boolean shared) throws IOException {
        ensureOpen();
        if (!shared) {
            throw new NonWritableChannelException();
        }
        return new ReadLock(this, pos, length);
    }

    @Override
    public FileLock tryLock(long pos, long length, boolean shared) throws IOException {
        return lock(pos, length, shared);
    }

    /** A shared lock on immutable content: nothing can conflict with it. */
    private static final class ReadLock extends FileLock {
        private volatile boolean valid = true;

        ReadLock(FileChannel ch, long pos, long size) {
            super(ch, pos, size, true);
        }

        @Override
        public boolean isValid() {
            return valid && channel().isOpen();
        }

        @Override
        public void release() {
            valid = false;
        }
    }

    @Override
    public int write(ByteBuffer src) {
        Objects.requireNonNull(src, "src");
        throw new NonWritableChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        throw new NonWritableChannelException();
    }

    @Override
    public int write(ByteBuffer src, long pos) {
        Objects.requireNonNull(src, "src");
        throw new NonWritableChannelException();
    }

    @Override
    public FileChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long pos, long count) {
        Objects.requireNonNull(src, "src");
        throw new NonWritableChannelException();
    }

    @Override
    public void force(boolean metaData) throws IOException {
        ensureOpen();
    }

    @Override
    protected void implCloseChannel() throws IOException {
        state.unregister(this);
        try {
            if (backing != null) {
                backing.close();
            }
        } finally {
            slot.release();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }
}
