package dev.composefs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifiedChannelTest {
    private static final int BS = 4096;

    @TempDir
    Path dir;
    private Path file;
    private byte[] data;
    private FsVerityDigest digest;

    @BeforeEach
    void makeFile() throws IOException {
        // Larger than VerifiedChannel.WHOLE_FILE_MAX, so reads are verified block by block against the tree.
        data = new byte[80 * BS + 100];
        new Random(42).nextBytes(data);
        file = dir.resolve("object");
        Files.write(file, data);
        digest = FsVerityHasher.digest(file);
    }

    /** Reads {@code len} bytes at {@code pos} with one positional read. */
    private static byte[] readAt(VerifiedChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        int n = ch.read(b, pos);
        return Arrays.copyOf(b.array(), Math.max(n, 0));
    }

    private void overwrite(long pos, byte[] bytes) throws IOException {
        try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
            w.write(ByteBuffer.wrap(bytes), pos);
        }
    }

    @Test
    void servesTheVerifiedContent() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest); InputStream in = ch.newInputStream()) {
            assertEquals(data.length, ch.size());
            assertArrayEquals(data, in.readAllBytes());
        }
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            ByteBuffer small = ByteBuffer.allocate(7);
            byte[] all = new byte[data.length];
            int off = 0;
            for (int n; (n = ch.read(small.clear())) > 0; off += n) {
                System.arraycopy(small.array(), 0, all, off, n);
            }
            assertArrayEquals(data, all);
        }
    }

    @Test
    void wrongDigestRefusesTheOpen() throws IOException {
        FsVerityDigest other = FsVerityHasher.digest(new byte[] {1});
        VerityException e = assertThrows(VerityException.class, () -> VerifiedChannel.open(file, other));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(other.toString()), e.getMessage());
    }

    @Test
    void byteChangedAfterOpenFailsOnlyItsBlock() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            overwrite(3 * BS + 17, new byte[] {(byte) ~data[3 * BS + 17]});
            VerityException e = assertThrows(VerityException.class, () -> readAt(ch, 3 * BS, 10));
            assertTrue(e.getMessage().contains("block 3") && e.getMessage().contains(file.toString()), e.getMessage());
            assertThrows(VerityException.class, () -> readAt(ch, 4 * BS - 1, 1));
            assertArrayEquals(Arrays.copyOfRange(data, 0, 3 * BS), readAt(ch, 0, 3 * BS));
            assertArrayEquals(Arrays.copyOfRange(data, 4 * BS, data.length), readAt(ch, 4 * BS, data.length));
            // A read that reaches the bad block after good ones returns the good part only; the next read fails.
            ch.position(2 * BS + 5);
            ByteBuffer b = ByteBuffer.allocate(3 * BS);
            assertEquals(BS - 5, ch.read(b));
            assertArrayEquals(Arrays.copyOfRange(data, 2 * BS + 5, 3 * BS), Arrays.copyOf(b.array(), BS - 5));
            assertThrows(VerityException.class, () -> ch.read(ByteBuffer.allocate(1)));
        }
    }

    @Test
    void truncatedFileFailsTheMissingBlocks() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            try (FileChannel w = FileChannel.open(file, StandardOpenOption.WRITE)) {
                w.truncate(5 * BS + 300);
            }
            assertEquals(data.length, ch.size());
            assertArrayEquals(Arrays.copyOf(data, 5 * BS), readAt(ch, 0, 5 * BS));
            VerityException e = assertThrows(VerityException.class, () -> readAt(ch, 5 * BS, 1));
            assertTrue(e.getMessage().contains("block 5"), e.getMessage());
            assertThrows(VerityException.class, () -> readAt(ch, 9 * BS, 10));
            assertThrows(VerityException.class, () -> readAt(ch, data.length - 1, 1));
        }
    }

    @Test
    void extendedFileServesOnlyTheVerifiedBytes() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            Files.write(file, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
            assertArrayEquals(data, readAt(ch, 0, data.length + 3));
            assertEquals(-1, ch.read(ByteBuffer.allocate(1), data.length));
        }
    }

    @Test
    void fileReplacedByRenameKeepsServingTheOpenedOne() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            Path other = dir.resolve("other");
            byte[] fake = data.clone();
            fake[0] ^= 1;
            Files.write(other, fake);
            Files.move(other, file, StandardCopyOption.REPLACE_EXISTING);
            assertArrayEquals(data, readAt(ch, 0, data.length));
        }
    }

    @Test
    void fileRewrittenInPlaceFailsEveryChangedBlock() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            byte[] fake = new byte[data.length];
            Files.write(file, fake);
            for (int block = 0; block <= 10; block++) {
                int b = block;
                assertThrows(VerityException.class, () -> readAt(ch, (long) b * BS, 1), "block " + block);
            }
        }
    }

    @Test
    void channelContract() throws IOException {
        VerifiedChannel ch = VerifiedChannel.open(file, digest);
        assertThrows(IllegalArgumentException.class, () -> ch.position(-1));
        ch.position(data.length + 1000);
        assertEquals(data.length + 1000, ch.position());
        assertEquals(-1, ch.read(ByteBuffer.allocate(1)));
        assertEquals(0, ch.position(0).read(ByteBuffer.allocate(0)));
        assertThrows(NonWritableChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
        assertThrows(NonWritableChannelException.class, () -> ch.truncate(0));
        assertEquals(digest, ch.digest());
        ch.close();
        ch.close();
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedChannelException.class, ch::size);
        assertThrows(ClosedChannelException.class, ch::position);
    }

    @Test
    void emptyAndSingleBlockFiles() throws IOException {
        for (int size : new int[] {0, 1, BS - 1, BS}) {
            byte[] d = Arrays.copyOf(data, size);
            Path f = dir.resolve("f" + size);
            Files.write(f, d);
            try (VerifiedChannel ch = VerifiedChannel.open(f, FsVerityHasher.digest(d))) {
                assertArrayEquals(d, ch.newInputStream().readAllBytes());
            }
            if (size > 0) {
                // A small file is served from the copy verified at open: a change afterwards is never seen.
                try (VerifiedChannel ch = VerifiedChannel.open(f, FsVerityHasher.digest(d))) {
                    byte[] original = d.clone();
                    d[size - 1] ^= 1;
                    Files.write(f, d);
                    assertArrayEquals(original, readAt(ch, 0, size));
                }
                assertThrows(VerityException.class, () -> VerifiedChannel.open(f, FsVerityHasher.digest(Arrays.copyOf(data, size))));
            }
        }
    }

    @Test
    void directoryCacheSkipsTheTreeBuildAndIsCheckedAgainstTheDigest() throws IOException {
        MerkleTreeCache cache = MerkleTreeCache.inDirectory(dir.resolve("cache"));
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, cache)) {
            assertArrayEquals(data, readAt(ch, 0, data.length));
        }
        assertTrue(cache.get(digest) != null);
        // With the tree cached, opening no longer hashes the whole file: a file corrupted since then opens,
        // and only the corrupted block fails.
        overwrite(7 * BS, new byte[] {(byte) ~data[7 * BS]});
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, cache)) {
            assertArrayEquals(Arrays.copyOf(data, 7 * BS), readAt(ch, 0, 7 * BS));
            assertThrows(VerityException.class, () -> readAt(ch, 7 * BS, 1));
        }
        assertThrows(VerityException.class,
                () -> VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, MerkleTreeCache.none()));
    }

    @Test
    void forgedCacheEntriesAreIgnored() throws IOException {
        Path cacheDir = dir.resolve("cache");
        MerkleTreeCache cache = MerkleTreeCache.inDirectory(cacheDir);
        // File the tree of other data under this file's digest.
        byte[] other = data.clone();
        other[5] ^= 1;
        Path otherFile = dir.resolve("other");
        Files.write(otherFile, other);
        cache.put(MerkleTree.build(otherFile));
        Path entry;
        try (var s = Files.walk(cacheDir)) {
            entry = s.filter(p -> p.toString().endsWith(".merkle")).findFirst().orElseThrow();
        }
        Path forged = cacheDir.resolve("sha256").resolve(digest.objectPath() + ".merkle");
        Files.createDirectories(forged.getParent());
        Files.copy(entry, forged);
        assertEquals(null, cache.get(digest));
        Files.write(forged, new byte[] {1, 2, 3});
        assertEquals(null, cache.get(digest));
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, cache)) {
            assertArrayEquals(data, readAt(ch, 0, data.length));
        }
    }

    @Test
    void memoryCacheIsBounded() throws IOException {
        MerkleTree tree = MerkleTree.build(file);
        MerkleTreeCache small = MerkleTreeCache.inMemory(10);
        small.put(tree);
        assertEquals(null, small.get(digest));
        MerkleTreeCache big = MerkleTreeCache.inMemory(1 << 20);
        big.put(tree);
        assertEquals(tree, big.get(digest));
    }

    @Test
    void worksOverAnyChannel() throws IOException {
        SeekableByteChannel plain = new InMemoryChannel(data);
        try (VerifiedChannel ch = VerifiedChannel.open(plain, "mem", digest, FsVerityParameters.DEFAULT, MerkleTreeCache.none())) {
            assertArrayEquals(data, ch.newInputStream().readAllBytes());
            assertArrayEquals(Arrays.copyOfRange(data, 5000, 9000), readAt(ch, 5000, 4000));
        }
        byte[] bad = data.clone();
        bad[100] ^= 1;
        assertThrows(VerityException.class, () -> VerifiedChannel.open(new InMemoryChannel(bad), "mem", digest,
                FsVerityParameters.DEFAULT, MerkleTreeCache.none()));
    }

    /** A channel that is not a FileChannel, as another file system provider would hand out. */
    static final class InMemoryChannel implements SeekableByteChannel {
        private final byte[] bytes;
        private long pos;
        private boolean open = true;

        InMemoryChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read(ByteBuffer dst) {
            if (pos >= bytes.length) {
                return -1;
            }
            int n = (int) Math.min(dst.remaining(), bytes.length - pos);
            dst.put(bytes, (int) pos, n);
            pos += n;
            return n;
        }

        @Override
        public int write(ByteBuffer src) {
            throw new NonWritableChannelException();
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public SeekableByteChannel position(long p) {
            pos = p;
            return this;
        }

        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public SeekableByteChannel truncate(long size) {
            throw new NonWritableChannelException();
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public void close() {
            open = false;
        }
    }
}
