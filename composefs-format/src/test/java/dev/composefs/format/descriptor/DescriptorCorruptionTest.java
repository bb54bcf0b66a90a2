package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.SampleDescriptors.T1_DIGEST;
import static dev.composefs.format.descriptor.SampleDescriptors.T1_SIZE;
import static dev.composefs.format.descriptor.SampleDescriptors.T1_VDATA;
import static dev.composefs.format.descriptor.SampleDescriptors.T1_XATTRS;
import static dev.composefs.format.descriptor.SampleDescriptors.T2_S_DIRENTS;
import static dev.composefs.format.descriptor.SampleDescriptors.T2_VDATA;
import static dev.composefs.format.descriptor.SampleDescriptors.inodeAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageWalk;
import dev.composefs.format.image.UnsupportedImageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Damaged descriptors: each field of the small hand-made images mutated at its offset, every
 * truncation, and random byte mutations. Only {@link CorruptImageException} (or
 * {@link UnsupportedImageException} for a wrong magic or version) may come out, never another
 * exception or a hang.
 */
class DescriptorCorruptionTest {
    private static final Path NAME = Path.of("mutant.cfs");
    private static final int ROOT_DIRENTS = T1_VDATA;
    private static final int VAR = 52;
    private static final int XATTRS = 64;
    private static final int DIGEST = 76;

    /** Opens {@code bytes} and reads everything; returns the I/O failure, or null if the image was fine. */
    static IOException openAndWalk(byte[] bytes) {
        try (Image image = Image.open(ImageData.wrap(bytes, NAME))) {
            ImageWalk.everything(image);
            return null;
        } catch (CorruptImageException | UnsupportedImageException e) {
            return e;
        } catch (IOException e) {
            throw new AssertionError("unexpected kind of IOException", e);
        }
    }

    private record Case(String what, byte[] base, Consumer<SampleDescriptors.Le> mutation, String fragment, long inode) {
    }

    private static Case t1(String what, Consumer<SampleDescriptors.Le> m, String fragment, long inode) {
        return new Case(what, SampleDescriptors.expected1(), m, fragment, inode);
    }

    private static Case t2(String what, Consumer<SampleDescriptors.Le> m, String fragment, long inode) {
        return new Case(what, SampleDescriptors.expected2(), m, fragment, inode);
    }

    private static final long ANY = -2;

    private static List<Case> cases() {
        int dirent0 = ROOT_DIRENTS + 4;
        int names = ROOT_DIRENTS + 52;
        int path = T1_VDATA + SampleDescriptors.T1_PAYLOAD;
        int xattrs = T1_VDATA + T1_XATTRS;
        return List.of(
                t1("vdata_offset 0", b -> b.u64(8, 0), "vdata_offset", -1),
                t1("vdata_offset not on an inode boundary", b -> b.u64(8, T1_VDATA + 1), "vdata_offset", -1),
                t1("vdata_offset past the end", b -> b.u64(8, T1_SIZE + 96), "vdata_offset", -1),
                t1("vdata_offset negative as signed", b -> b.u64(8, Long.MIN_VALUE + T1_VDATA), "vdata_offset", -1),
                t1("vdata_offset one inode short", b -> b.u64(8, T1_VDATA - 96), "", ANY),
                t1("root is a regular file", b -> b.u32(inodeAt(0), 0100644), "", 0),
                t1("mode without a file type", b -> b.u32(inodeAt(3), 0755), "st_mode", 3),
                t1("mode with type bits 0170000", b -> b.u32(inodeAt(3), 0170755), "st_mode", 3),
                t1("mode with bits above 16", b -> b.u32(inodeAt(1), 0x10000 | 0100644), "st_mode", 1),
                t1("st_size beyond 2^63", b -> b.u64(inodeAt(1) + 20, -1), "st_size", 1),
                t1("vdata off negative", b -> b.u64(inodeAt(1) + VAR, -1), "vdata section", 1),
                t1("vdata off huge", b -> b.u64(inodeAt(1) + VAR, Long.MAX_VALUE), "vdata section", 1),
                t1("vdata off + len past the end", b -> b.u64(inodeAt(1) + VAR, 103), "vdata section", 1),
                t1("vdata len 2^32 - 1", b -> b.u32(inodeAt(1) + VAR + 8, 0xffffffffL), "vdata section", 1),
                t1("xattrs off past the end", b -> b.u64(inodeAt(1) + XATTRS, 100), "vdata section", 1),
                t1("regular file without backing path", b -> b.u32(inodeAt(1) + VAR + 8, 0), "no backing path", 1),
                t1("empty file with backing path", b -> b.u64(inodeAt(2) + 20, 0), "empty regular file", 2),
                t1("symlink without target", b -> b.u32(inodeAt(4) + VAR + 8, 0), "empty target", 4),
                t1("digest of 31 bytes", b -> b.u32(inodeAt(1) + DIGEST + 8, 31), "digest is 31", 1),
                t1("digest on a symlink", b -> b.u64(inodeAt(4) + DIGEST, T1_DIGEST).u32(inodeAt(4) + DIGEST + 8, 32), "has a digest", 4),
                t1("digest bytes as dirents", b -> b.u64(inodeAt(3) + VAR, T1_DIGEST).u32(inodeAt(3) + VAR + 8, 32), "n_dirents", 3),
                t1("n_dirents 0", b -> b.u32(ROOT_DIRENTS, 0), "n_dirents 0", 0),
                t1("n_dirents 2^32 - 1", b -> b.u32(ROOT_DIRENTS, 0xffffffffL), "n_dirents 4294967295", 0),
                t1("n_dirents one too many", b -> b.u32(ROOT_DIRENTS, 5), "n_dirents 5", 0),
                t1("dirent blob shorter than its header", b -> b.u32(inodeAt(0) + VAR + 8, 3), "shorter than its header", 0),
                t1("dirent names inode past the table", b -> b.u32(dirent0, 5), "names inode 5", 0),
                t1("dirent names inode 2^32 - 1", b -> b.u32(dirent0, 0xffffffffL), "names inode 4294967295", 0),
                t1("dirent names the root", b -> b.u32(dirent0 + 24, 0), "is the root", 0),
                t1("dirent with empty name", b -> b.u8(dirent0 + 8, 0), "empty name", 0),
                t1("dirent name offset 2^32 - 1", b -> b.u32(dirent0 + 4, 0xffffffffL), "name area", 0),
                t1("dirent name past the name area", b -> b.u8(dirent0 + 36 + 8, 2), "name area", 0),
                t1("d_type of a directory on a file", b -> b.u8(dirent0 + 9, 4), "d_type", 0),
                t1("d_type 0", b -> b.u8(dirent0 + 36 + 9, 0), "d_type", 0),
                t1("unsorted dirents", b -> b.bytes(names, "badl".getBytes()), "sorted and unique", 0),
                t1("duplicate dirents", b -> b.bytes(names, "aadl".getBytes()), "sorted and unique", 0),
                t1("dirent name with '/'", b -> b.u8(names + 1, '/'), "'/' or NUL", 0),
                t1("dirent name with NUL", b -> b.u8(names + 1, 0), "'/' or NUL", 0),
                t1("dirent named '.'", b -> b.u8(names, '.'), "'.' or '..'", 0),
                t1("dirent named '..'", b -> b.bytes(names, "..dl".getBytes()).u8(dirent0 + 8, 2), "'.' or '..'", 0),
                t1("absolute backing path", b -> b.bytes(path, "/b/cdef".getBytes()), "absolute", 1),
                t1("backing path with '..'", b -> b.bytes(path, "ab/../f".getBytes()), "'..' component", 1),
                t1("backing path starting with '..'", b -> b.bytes(path, "../cdef".getBytes()), "'..' component", 1),
                t1("backing path ending with '..'", b -> b.bytes(path, "abcd/..".getBytes()), "'..' component", 1),
                t1("backing path with NUL", b -> b.u8(path + 2, 0), "NUL", 1),
                t1("n_attr 0", b -> b.u16(xattrs, 0), "n_attr 0", 1),
                t1("n_attr 65535", b -> b.u16(xattrs, 0xffff), "n_attr 65535", 1),
                t1("xattr key length 0", b -> b.u16(xattrs + 2, 0), "key length 0", 1),
                t1("xattr key length 300", b -> b.u16(xattrs + 2, 300), "key length 300", 1),
                t1("xattr value length 65535", b -> b.u16(xattrs + 4, 0xffff), "runs past the xattr blob", 1),
                t1("xattr key with NUL", b -> b.u8(xattrs + 7, 0), "key contains NUL", 1),
                t1("xattr blob shorter than its header", b -> b.u32(inodeAt(1) + XATTRS + 8, 1), "shorter than its header", 1),
                t2("directory naming itself", b -> b.u32(T2_VDATA + T2_S_DIRENTS + 4, 2).u8(T2_VDATA + T2_S_DIRENTS + 13, 4),
                        "is the directory itself", 2),
                t2("directory naming its parent, the root", b -> b.u32(T2_VDATA + T2_S_DIRENTS + 4, 0).u8(T2_VDATA + T2_S_DIRENTS + 13, 4),
                        "is the root", 2),
                t2("fifo with variable data", b -> b.u64(inodeAt(3) + VAR, 30).u32(inodeAt(3) + VAR + 8, 1), "has variable data", 3));
    }

    @TestFactory
    Stream<DynamicTest> eachDamagedFieldIsReportedPrecisely() {
        return cases().stream().map(c -> DynamicTest.dynamicTest(c.what(), () -> {
            SampleDescriptors.Le b = new SampleDescriptors.Le(c.base().clone());
            c.mutation().accept(b);
            IOException e = openAndWalk(b.array());
            assertNotNull(e, "accepted: " + c.what());
            CorruptImageException ce = assertInstanceOf(CorruptImageException.class, e);
            String m = ce.getMessage();
            assertTrue(m.startsWith(NAME + ": corrupt image"), m);
            assertTrue(m.contains(c.fragment()), m);
            if (c.inode() != ANY) {
                assertEquals(c.inode(), ce.inode(), m);
                if (c.inode() >= 0) {
                    assertTrue(m.contains("inode " + c.inode()), m);
                }
            }
            assertTrue(ce.offset() >= 0 && ce.offset() < c.base().length, m);
        }));
    }

    /**
     * A name area is scanned for '/' and NUL whole, and name by name only where the scan finds one: a
     * byte that is no entry's name may be anything. Here the root's dirent blob is made 3 bytes
     * longer, over the start of the backing path "ab/cdef", so its name area ends in a '/'.
     */
    @Test
    void bytesOfTheNameAreaThatNoNameUsesAreNotChecked() {
        byte[] longer = new SampleDescriptors.Le(SampleDescriptors.expected1()).u32(inodeAt(0) + VAR + 8, 59).array();
        assertEquals(null, openAndWalk(longer));
        byte[] slashInAName = new SampleDescriptors.Le(longer).u8(ROOT_DIRENTS + 52 + 1, '/').array();
        IOException e = openAndWalk(slashInAName);
        assertInstanceOf(CorruptImageException.class, e);
        assertTrue(e.getMessage().contains("dirent 1 name contains '/' or NUL"), e.getMessage());
    }

    @Test
    void wrongMagicOrVersionIsUnsupported() {
        byte[] bytes = SampleDescriptors.expected1();
        bytes[4] ^= 1;
        assertInstanceOf(UnsupportedImageException.class, openAndWalk(bytes));
        byte[] v2 = new SampleDescriptors.Le(SampleDescriptors.expected1()).u32(0, 2).array();
        IOException e = openAndWalk(v2);
        assertInstanceOf(UnsupportedImageException.class, e);
        assertTrue(e.getMessage().contains("version 2"), e.getMessage());
    }

    @Test
    void everyTruncationIsCorrupt() {
        for (byte[] full : List.of(SampleDescriptors.expected1(), SampleDescriptors.expected2())) {
            for (int length = 0; length < full.length; length++) {
                IOException e = openAndWalk(Arrays.copyOf(full, length));
                assertNotNull(e, "truncated to " + length);
                Class<? extends IOException> expected = length < 8 ? UnsupportedImageException.class : CorruptImageException.class;
                assertEquals(expected, e.getClass(), "truncated to " + length + ": " + e.getMessage());
            }
            assertEquals(null, openAndWalk(full));
        }
    }

    /**
     * A hostile but valid image: 100,000 inodes sharing one xattr blob of 65,535 entries. Opening
     * touches none of them, and reading one inode's xattrs checks that one blob, not inodes × entries.
     */
    @Test
    void oneHugeBlobSharedByManyInodesCostsOneBlobPerRead() throws IOException {
        int inodes = 100_000;
        int count = 0xffff;
        int blob = 2 + 4 * count + count;
        int vdata = inodeAt(inodes);
        SampleDescriptors.Le b = new SampleDescriptors.Le(vdata + blob);
        b.u32(0, 1).u32(4, 0xc078629a).u64(8, vdata);
        b.u32(inodeAt(0), 040755).u32(inodeAt(0) + 4, 2);
        for (int i = 1; i < inodes; i++) {
            b.u32(inodeAt(i), 010644).u32(inodeAt(i) + 4, 1).u64(inodeAt(i) + XATTRS, 0).u32(inodeAt(i) + XATTRS + 8, blob);
        }
        b.u16(vdata, count);
        for (int i = 0; i < count; i++) {
            b.u16(vdata + 2 + 4 * i, 1).u16(vdata + 4 + 4 * i, 0).u8(vdata + 2 + 4 * count + i, 'k');
        }
        try (Image image = Image.open(ImageData.wrap(b.array(), NAME))) {
            assertEquals(inodes, image.inodeCount());
            assertEquals(count, image.xattrs(inodes - 1).size());
        }
    }

    /** Overwrites of one to four bytes, or of a whole u32 with a boundary value, anywhere in the image. */
    @Provide
    Arbitrary<byte[]> mutants() {
        Arbitrary<byte[]> base = Arbitraries.of(SampleDescriptors.expected1(), SampleDescriptors.expected2());
        Arbitrary<List<Tuple.Tuple3<Integer, Integer, Long>>> edits = Combinators.combine(
                Arbitraries.integers().between(0, T1_SIZE - 1),
                Arbitraries.integers().between(0, 1),
                Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.longs().between(0, 255)),
                        Tuple.of(1, Arbitraries.of(0L, 1L, 2L, 4L, 5L, 0x7fL, 0x80L, 0xffL, 0x7fffffffL, 0x80000000L,
                                0xffffffffL, (long) T1_VDATA, (long) T1_SIZE))))
                .as(Tuple::of).list().ofMinSize(1).ofMaxSize(4);
        return Combinators.combine(base, edits).as((b, list) -> {
            SampleDescriptors.Le le = new SampleDescriptors.Le(b.clone());
            for (Tuple.Tuple3<Integer, Integer, Long> e : list) {
                int at = e.get1() % b.length;
                if (e.get2() == 0 || at + 4 > b.length) {
                    le.u8(at, (int) (long) e.get3());
                } else {
                    le.u32(at, e.get3());
                }
            }
            return le.array();
        });
    }

    @Property(tries = 2000)
    void randomDamageGivesOnlyImageExceptions(@ForAll("mutants") byte[] mutant) {
        openAndWalk(mutant);
    }
}
