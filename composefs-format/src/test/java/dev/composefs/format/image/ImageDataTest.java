package dev.composefs.format.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageDataTest {
    @TempDir
    Path dir;

    private static final byte[] BYTES = {1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xff, (byte) 0xfe};

    private final ImageData data = ImageData.wrap(BYTES, Path.of("ten.img"));

    @Test
    void readsLittleEndianUnsigned() throws IOException {
        assertEquals(0xff, data.u8(8));
        assertEquals(0xfeff, data.u16(8));
        assertEquals(0x04030201L, data.u32(0));
        assertEquals(0xfeff0807L, data.u32(6));
        assertEquals(0x0807060504030201L, data.u64(0));
    }

    @Test
    void everyOutOfBoundsReadIsCorruptionNamingFileAndOffset() {
        long[][] cases = {{-1, 1}, {10, 1}, {9, 2}, {7, 4}, {3, 8}, {Long.MAX_VALUE, 1}, {Long.MIN_VALUE, 4}, {2, -1}};
        for (long[] c : cases) {
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> data.check(c[0], c[1], 7, "thing"));
            assertTrue(e.getMessage().startsWith("ten.img: corrupt image, inode 7"), e.getMessage());
            assertTrue(e.getMessage().contains("thing"), e.getMessage());
            assertEquals(c[0], e.offset());
        }
        assertThrows(CorruptImageException.class, () -> data.u64(3));
        assertThrows(CorruptImageException.class, () -> data.u32(-4));
        assertThrows(CorruptImageException.class, () -> data.u16(Long.MAX_VALUE));
        assertThrows(CorruptImageException.class, () -> data.bytes(5, 6));
        assertThrows(CorruptImageException.class, () -> data.compare(8, 3, new byte[1], 0, 1));
        assertThrows(CorruptImageException.class, () -> data.compare(0, 1, 9, 2));
        assertThrows(CorruptImageException.class, () -> data.indexOf(Long.MAX_VALUE - 1, 4, (byte) 0));
    }

    @Test
    void boundsAtTheEdgesAreExact() throws IOException {
        assertTrue(data.inBounds(10, 0));
        assertTrue(data.inBounds(0, 10));
        assertFalse(data.inBounds(1, 10));
        assertFalse(data.inBounds(Long.MAX_VALUE, Long.MAX_VALUE));
        assertEquals(0xfe, data.u8(9));
        assertEquals(0, data.bytes(10, 0).length);
    }

    @Test
    void comparesLikeMemcmpShorterFirst() throws IOException {
        assertEquals(0, Integer.signum(data.compare(0, 2, new byte[] {1, 2}, 0, 2)));
        assertTrue(data.compare(0, 2, new byte[] {1, 2, 0}, 0, 3) < 0);
        assertTrue(data.compare(0, 3, new byte[] {1, 2}, 0, 2) > 0);
        assertTrue(data.compare(8, 1, new byte[] {0x7f}, 0, 1) > 0, "bytes compare unsigned");
        assertTrue(data.compare(0, 1, 8, 1) < 0);
        assertEquals(0, data.compare(2, 3, new byte[] {9, 3, 4, 5}, 1, 3));
        assertEquals(8, data.indexOf(0, 10, (byte) 0xff));
        assertEquals(-1, data.indexOf(0, 8, (byte) 0xff));
    }

    @Test
    void aWindowIsCheckedOnceAgainstTheFileAndItsReadsAgainstItself() throws IOException {
        ImageData.Window w = data.window(6, 4, 3, "tail");
        assertEquals(0x07, w.u8(0));
        assertEquals(0xff08, w.u16(1));
        assertEquals(0xfeff0807L, w.u32(0));
        assertEquals(0x0807060504030201L, data.window(0, 8, 3, "head").u64(0));
        // Reading past the window is the caller's bug, not damage.
        assertThrows(IndexOutOfBoundsException.class, () -> w.u32(1));
        assertThrows(IndexOutOfBoundsException.class, () -> w.u8(4));
        assertThrows(IndexOutOfBoundsException.class, () -> w.u64(0));
        assertThrows(IndexOutOfBoundsException.class, () -> w.u16(-1));
        for (long[] c : new long[][] {{7, 4}, {-1, 2}, {10, 1}, {Long.MAX_VALUE, 8}}) {
            CorruptImageException e = assertThrows(CorruptImageException.class, () -> data.window(c[0], (int) c[1], 9, "inode"));
            assertTrue(e.getMessage().contains("inode 9") && e.getMessage().contains("inode:"), e.getMessage());
            assertEquals(c[0], e.offset());
        }
        ImageData d = ImageData.wrap(BYTES, Path.of("closed"));
        d.close();
        assertThrows(ClosedChannelException.class, () -> d.window(0, 4, 0, "inode"));
    }

    /**
     * The eight-bytes-at-a-time scans agree with byte-by-byte ones, at every alignment and length,
     * for ranges that end anywhere: before the end of the file (the last bytes read as a masked
     * word) or at it (read byte by byte).
     */
    @net.jqwik.api.Property(tries = 2000)
    void wordScansAgreeWithByteScans(@net.jqwik.api.ForAll @net.jqwik.api.constraints.Size(max = 80) byte[] bytes,
                                     @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(max = 40) int a,
                                     @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(max = 40) int b,
                                     @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(max = 90) int lengthA,
                                     @net.jqwik.api.ForAll @net.jqwik.api.constraints.IntRange(max = 90) int lengthB)
            throws IOException {
        // Few distinct values, so that equal runs, slashes and NULs are common.
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = new byte[] {0, '/', 'a', 'b', (byte) 0xff}[Math.floorMod(bytes[i], 5)];
        }
        ImageData d = ImageData.wrap(bytes, Path.of("words"));
        int oa = Math.min(a, bytes.length);
        int ob = Math.min(b, bytes.length);
        int la = Math.min(bytes.length - oa, lengthA);
        int lb = Math.min(bytes.length - ob, lengthB);
        int expected = Integer.signum(java.util.Arrays.compareUnsigned(bytes, oa, oa + la, bytes, ob, ob + lb));
        assertEquals(expected, Integer.signum(d.compare(oa, la, ob, lb)));
        long naive = -1;
        for (int i = oa; i < oa + la && naive < 0; i++) {
            if (bytes[i] == '/' || bytes[i] == 0) {
                naive = i;
            }
        }
        assertEquals(naive, d.indexOfEither(oa, la, (byte) '/', (byte) 0));
    }

    @Test
    void closedDataRefusesReads() {
        ImageData d = ImageData.wrap(BYTES, Path.of("closed"));
        d.close();
        d.close();
        assertThrows(ClosedChannelException.class, () -> d.u8(0));
    }

    @Test
    void mapsAFile() throws IOException {
        Path f = dir.resolve("f");
        Files.write(f, BYTES);
        try (ImageData d = ImageData.map(f)) {
            assertEquals(10, d.size());
            assertEquals(0x0807060504030201L, d.u64(0));
            assertEquals(f, d.file());
        }
    }

    @Test
    void refusesFilesOverTwoGibibytes() throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(ImageData.MAX_SIZE + 1);
        }
        UnsupportedImageException e = assertThrows(UnsupportedImageException.class, () -> ImageData.map(big));
        assertTrue(e.getMessage().contains("2 GiB"), e.getMessage());
        assertThrows(UnsupportedImageException.class, () -> Image.open(big));
    }
}
