package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every rejected input names the source, the line and the reason; strict and lenient differ where documented. */
class DumpReaderErrorsTest {
    static final String ROOT = "/ 4096 40755 2 0 0 0 0.0 - - -\n";
    static final String DIGEST = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /** Where an input must fail: in both modes, or only in strict mode (lenient accepts it). */
    enum When { BOTH, STRICT_ONLY }

    static Arguments fails(When when, String input, long line, String reason) {
        return Arguments.of(when, input, line, reason);
    }

    static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // Structure of the tree.
        c.add(fails(When.BOTH, "", 1, "No root directory"));
        c.add(fails(When.BOTH, "\n", 1, "Invalid empty path"));
        c.add(fails(When.BOTH, ROOT + "\n", 2, "Invalid empty path"));
        c.add(fails(When.BOTH, "/a 0 100644 1 0 0 0 0.0 - - -\n", 1, "Root node not present"));
        c.add(fails(When.BOTH, "/ 0 100644 1 0 0 0 0.0 - - -\n", 1, "Root must be a directory"));
        c.add(fails(When.BOTH, ROOT + ROOT, 2, "Can't have multiple roots"));
        c.add(fails(When.BOTH, ROOT + "/a/b 0 100644 1 0 0 0 0.0 - - -\n", 2, "Parent directory missing for /a/b"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - -\n/a/b 0 100644 1 0 0 0 0.0 - - -\n", 3, "Parent must be a directory for /a/b"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - -\n/a 0 100644 1 0 0 0 0.0 - - -\n", 3, "Path /a already exists"));
        c.add(fails(When.BOTH, ROOT + "/" + repeat('n', 256) + " 0 100644 1 0 0 0 0.0 - - -\n", 2, "File name of 256 bytes exceeds 255"));
        c.add(fails(When.BOTH, ROOT + "/a/ 0 100644 1 0 0 0 0.0 - - -\n", 2, "Invalid empty file name"));
        c.add(fails(When.BOTH, ROOT + "/. 0 40755 2 0 0 0 0.0 - - -\n", 2, "Invalid . or .. in path: /."));
        // Strict: "Invalid . or .. in path"; lenient, like C: "Parent directory missing" (no child named ".").
        c.add(fails(When.BOTH, ROOT + "/a/./b 0 40755 2 0 0 0 0.0 - - -\n", 2, " /a/./b"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 40755 2 0 0 0 0.0 - - -\n/a//b 0 40755 2 0 0 0 0.0 - - -\n", 3, "Invalid empty file name in path /a//b"));
        c.add(fails(When.STRICT_ONLY, ROOT + "a 0 100644 1 0 0 0 0.0 - - -\n", 2, "Path must be absolute"));
        // Bytes and escapes.
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0\0 0 0 0.0 - - -\n", 2, "Invalid embedded NUL character at position 15"));
        c.add(fails(When.BOTH, ROOT + "/a\\x00b 0 100644 1 0 0 0 0.0 - - -\n", 2, "NUL byte (\\x00) in path"));
        c.add(fails(When.BOTH, ROOT + "/a\\q 0 100644 1 0 0 0 0.0 - - -\n", 2, "Unsupported escape type q in PATH"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a=\\x4\n", 2, "No hex characters after hex escape in xattr value"));
        // Numbers.
        c.add(fails(When.BOTH, ROOT + "/a 0 0 1 0 0 0 0.0 - - -\n", 2, "Invalid mode 0"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100648 1 0 0 0 0.0 - - -\n", 2, "Invalid MODE '100648'"));
        c.add(fails(When.BOTH, ROOT + "/a x 100644 1 0 0 0 0.0 - - -\n", 2, "Invalid SIZE 'x'"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 5 x 0 0.0 - - -\n", 2, "Invalid GID 'x'"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 5 5 x 0.0 - - -\n", 2, "Invalid RDEV 'x'"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 5 - - -\n", 2, "Invalid MTIME '5' (want SEC.NSEC)"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 5.x - - -\n", 2, "Invalid MTIME nanoseconds 'x'"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 --5.0 - - -\n", 2, "Invalid MTIME seconds"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 0 5.1000000000 - - -\n", 2, "MTIME nanoseconds out of range"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 4294967296 0 0 0.0 - - -\n", 2, "UID out of range: 4294967296"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 +5 0 0 0.0 - - -\n", 2, "Invalid UID '+5'"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 0 0.0 - - -\n".replace(" 1 0 0 0 ", " -1 0 0 0 "), 2, "Invalid NLINK '-1'"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 20100644 1 0 0 0 0.0 - - -\n", 2, "MODE out of range: 20100644 (max 177777)"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 20644 1 0 0 4294967296 0.0 - - -\n", 2, "RDEV out of range"));
        // Payload, content, digest.
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - abc\n", 2, "Invalid DIGEST 'abc'"));
        c.add(fails(When.BOTH, ROOT + "/a 5 100644 1 0 0 0 0.0 ab/cd - " + DIGEST.substring(2) + "\n", 2, "Invalid DIGEST"));
        c.add(fails(When.BOTH, ROOT + "/a 3 100644 1 0 0 0 0.0 - ab -\n", 2, "Invalid content size 2, must match size 3"));
        c.add(fails(When.BOTH, ROOT + "/a 5001 100644 1 0 0 0 0.0 - " + repeat('c', 5001) + " -\n", 2, "Inline content size 5001 exceeds maximum 5000"));
        c.add(fails(When.BOTH, ROOT + "/a 0 120777 1 0 0 0 0.0 - - -\n", 2, "Invalid symlink: empty target"));
        c.add(fails(When.BOTH, ROOT + "/a 4096 120777 1 0 0 0 0.0 " + repeat('t', 4096) + " - -\n", 2, "Invalid symlink: target of 4096 bytes exceeds 4095"));
        c.add(fails(When.BOTH, ROOT + "/a 1 100644 1 0 0 0 0.0 " + repeat('p', 4096) + " - -\n", 2, "Invalid payload: 4096 bytes exceeds 4095"));
        c.add(fails(When.BOTH, ROOT + "/a 9007199254740993 100644 1 0 0 0 0.0 - - -\n", 2, "File too big"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 7 0.0 - - -\n", 2, "Non-zero devnum on non-device"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 5 120777 1 0 0 0 0.0 abc - -\n", 2, "Invalid symlink size 5, must match target length 3"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 3 120777 1 0 0 0 0.0 abc xyz -\n", 2, "Symlink cannot have content"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 0 0.0 - -\n", 2, "Missing field DIGEST"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 0 0.0 - - -", 2, "Missing trailing newline"));
        // Xattrs.
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a\n", 2, "Missing = in xattr 'user.a'"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a=1  user.b=2\n", 2, "Missing = in xattr ''"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - =v\n", 2, "Empty xattr key"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a\\x00b=v\n", 2, "NUL byte (\\x00) in xattr key"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - " + repeat('k', 256) + "=v\n", 2, "Xattr key of 256 bytes exceeds 255"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a=" + repeat('v', 65530) + "\n", 2, "Too many xattrs: 65537 bytes"));
        c.add(fails(When.BOTH, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a=" + repeat('v', 16000) + " user.b=" + repeat('v', 16800) + "\n",
                2, "Xattrs too large: 32838 bytes exceed the per-inode limit 32767"));
        c.add(fails(When.STRICT_ONLY, ROOT + "/a 0 100644 1 0 0 0 0.0 - - - user.a=1 user.a=2\n", 2, "Duplicate xattr user.a"));
        // Hard links.
        String file = "/f 3 100644 2 0 0 0 0.0 - abc -\n";
        c.add(fails(When.BOTH, ROOT + "/l 0 @100644 0 0 0 0 0.0 /nope - -\n" + file, 2, "No target at /nope for hardlink"));
        c.add(fails(When.BOTH, ROOT + "/d 0 40755 2 0 0 0 0.0 - - -\n/l 0 @100644 0 0 0 0 0.0 /d - -\n", 3, "Hardlink target /d is a directory"));
        c.add(fails(When.BOTH, ROOT + file + "/l 0 @100644 0 0 0 0 0.0 /l - -\n", 3, "Self-referential hardlink /l"));
        c.add(fails(When.BOTH, ROOT + "/a 0 @100644 0 0 0 0 0.0 /b - -\n/b 0 @100644 0 0 0 0 0.0 /a - -\n", 2, "Hardlink cycle"));
        c.add(fails(When.BOTH, ROOT + file + "/l 0 @100644 0 0 0 0 0.0 - - -\n", 3, "No target path for the hardlink"));
        c.add(fails(When.BOTH, ROOT + "/d 0 @40755 2 0 0 0 0.0 / - -\n", 2, "Directories can't be hardlinked"));
        c.add(fails(When.BOTH, ROOT + file + "/f 0 @100644 0 0 0 0 0.0 /f - -\n", 3, "Path /f already exists"));
        c.add(fails(When.STRICT_ONLY, ROOT + file + "/l 0 @100644 0 0 0 0 0.0 //f - -\n", 3, "Invalid empty file name in path //f"));
        return c.stream();
    }

    static DumpFormatException reject(DumpReader reader, String input) {
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        return assertThrows(DumpFormatException.class, () -> reader.read(new ByteArrayInputStream(bytes), "t.dump"));
    }

    @ParameterizedTest(name = "[{index}] {3}")
    @MethodSource("cases")
    void rejectsWithLineAndReason(When when, String input, long line, String reason) throws IOException {
        DumpFormatException e = reject(DumpReader.strict(), input);
        assertEquals("t.dump", e.source());
        assertEquals(line, e.line(), e.getMessage());
        assertTrue(e.reason().contains(reason), "expected '" + reason + "' in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("t.dump:" + line + ": "), e.getMessage());
        byte[] bytes = input.getBytes(StandardCharsets.ISO_8859_1);
        if (when == When.BOTH) {
            DumpFormatException l = reject(DumpReader.lenient(), input);
            assertEquals(line, l.line(), l.getMessage());
            assertTrue(l.reason().contains(reason), "lenient: expected '" + reason + "' in: " + l.getMessage());
        } else {
            DumpReader.lenient().read(new ByteArrayInputStream(bytes), "t.dump");
        }
    }

    @Test
    void streamsWithoutANameAreStdin() {
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.strict().read(new ByteArrayInputStream("/a 0 100644 1 0 0 0 0.0 - - -\n".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("<stdin>:1: Root node not present: the first line must be /", e.getMessage());
    }

    @Test
    void anEndlessLineIsRejectedAtTheLimitWithoutReadingOn() {
        long[] served = new long[1];
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                served[0]++;
                return 'a';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 'a');
                served[0] += len;
                return len;
            }
        };
        InputStream in = new java.io.SequenceInputStream(new ByteArrayInputStream(ROOT.getBytes(StandardCharsets.US_ASCII)), endless);
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.strict().withMaxLineLength(100_000).read(in, "endless"));
        assertEquals("endless:2: Line longer than 100000 bytes", e.getMessage());
        assertTrue(served[0] < 1_000_000, "read " + served[0] + " bytes");
    }

    @Test
    void aLineAtTheLimitIsAcceptedOneMoreIsNot() throws IOException {
        String prefix = "/a 0 100644 1 0 0 0 0.0 - - - user.x=";
        int limit = 200;
        String exact = prefix + repeat('v', limit - prefix.length());
        DumpReader reader = DumpReader.strict().withMaxLineLength(limit);
        reader.read(new ByteArrayInputStream((ROOT + exact + "\n").getBytes(StandardCharsets.US_ASCII)));
        DumpFormatException e = reject(reader, ROOT + exact + "v\n");
        assertEquals(2, e.line());
        e = reject(reader, ROOT + exact + "v");
        assertEquals(2, e.line());
    }

    @Test
    void corruptGzipIsADumpFormatException() {
        byte[] bad = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'x', 'y', 'z', 1, 2, 3};
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.strict().read(new ByteArrayInputStream(bad), "bad.dump.gz"));
        assertTrue(e.getMessage().startsWith("bad.dump.gz:1: Corrupt gzip data"), e.getMessage());
    }
}
