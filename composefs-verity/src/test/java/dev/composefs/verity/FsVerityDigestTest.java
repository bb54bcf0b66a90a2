package dev.composefs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FsVerityDigestTest {
    private static final String HELLO = "1e2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64";

    @Test
    void parsesAndPrintsBothForms() {
        FsVerityDigest d = FsVerityDigest.parse("sha256:" + HELLO);
        assertEquals(FsVerityAlgorithm.SHA256, d.algorithm());
        assertEquals("sha256:" + HELLO, d.toString());
        assertEquals(d, FsVerityDigest.parse(HELLO.toUpperCase()));
        assertEquals(d, FsVerityDigest.parse("SHA256:" + HELLO));
        assertEquals(FsVerityAlgorithm.SHA512, FsVerityDigest.parse("ab".repeat(64)).algorithm());
        assertEquals("1e/2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64", d.objectPath());
        assertEquals(d, FsVerityDigest.fromObjectPath(d.objectPath()));
    }

    @Test
    void rejectsMalformedDigestsWithTheReason() {
        for (String bad : new String[] {"", "sha256:", "sha256:" + HELLO + "00", "sha512:" + HELLO,
                "md5:" + HELLO, HELLO.substring(1), "zz" + HELLO.substring(2), "sha256:" + HELLO.substring(0, 63) + "g"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsVerityDigest.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
        assertThrows(IllegalArgumentException.class, () -> FsVerityDigest.fromObjectPath(HELLO));
        assertThrows(IllegalArgumentException.class, () -> FsVerityDigest.of(FsVerityAlgorithm.SHA512, new byte[32]));
    }

    @Test
    void formattedDigestIsWhatFsveritySigns() {
        // fsverity digest --for-builtin-sig on "hello world"
        assertEquals("4653566572697479010020001e2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64",
                HexFormat.of().formatHex(FsVerityDigest.parse(HELLO).formattedDigest()));
        assertEquals(76, FsVerityDigest.parse("ab".repeat(64)).formattedDigest().length);
    }

    @Test
    void isAValue() {
        byte[] bytes = HexFormat.of().parseHex(HELLO);
        FsVerityDigest d = FsVerityDigest.of(FsVerityAlgorithm.SHA256, bytes);
        bytes[0] = 0;
        assertEquals(FsVerityDigest.parse(HELLO), d);
        d.bytes()[0] = 0;
        assertArrayEquals(HexFormat.of().parseHex(HELLO), d.bytes());
        assertEquals(d.hashCode(), FsVerityDigest.parse(HELLO).hashCode());
        assertNotEquals(d, FsVerityDigest.parse("00" + HELLO.substring(2)));
        assertTrue(FsVerityDigest.parse("00" + HELLO.substring(2)).compareTo(d) < 0);
        assertTrue(FsVerityDigest.parse("ff" + HELLO.substring(2)).compareTo(d) > 0);
    }

    @Test
    void parametersAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> FsVerityParameters.of(FsVerityAlgorithm.SHA256, 3000));
        assertThrows(IllegalArgumentException.class, () -> FsVerityParameters.of(FsVerityAlgorithm.SHA512, 64));
        assertThrows(IllegalArgumentException.class, () -> FsVerityParameters.of(FsVerityAlgorithm.SHA256, 4096, new byte[33]));
        assertEquals(12, FsVerityParameters.DEFAULT.logBlockSize());
        assertEquals(128, FsVerityParameters.DEFAULT.hashesPerBlock());
    }
}
