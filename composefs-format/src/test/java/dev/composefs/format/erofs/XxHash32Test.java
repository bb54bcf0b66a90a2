package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XxHash32Test {
    private static int xxh32(String s, int seed) {
        return XxHash32.hash(s.getBytes(StandardCharsets.US_ASCII), seed);
    }

    /** Values published with the xxHash specification and its sanity tests. */
    @Test
    void publishedKnownAnswers() {
        assertEquals(0x02CC5D05, xxh32("", 0));
        assertEquals(0x36B78AE7, xxh32("", 0x9E3779B1));
        assertEquals(0x550D7456, xxh32("a", 0));
        assertEquals(0x32D153FF, xxh32("abc", 0));
        assertEquals(0xE2293B2F, xxh32("Nobody inspects the spammish repetition", 0));
    }

    /** Values of the reference libxxhash 0.8.1 ({@code XXH32}), covering every tail length path. */
    @Test
    void referenceLibraryAnswers() {
        assertEquals(0xC2C45B69, xxh32("0123456789abcdef", 0));
        assertEquals(0x7E36F02D, xxh32("0123456789abcdefg", 0x12345678));
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertEquals(0x1978EE80, XxHash32.hash(all, ErofsLayout.EROFS_XATTR_FILTER_SEED));
    }

    /** The EROFS xattr filter seeds: seed plus prefix index, hashing the name suffix. */
    @Test
    void erofsFilterSeeds() {
        assertEquals(0x9490146B, xxh32("selinux", ErofsLayout.EROFS_XATTR_FILTER_SEED + XattrPrefix.SECURITY.index()));
        assertEquals(0x6B6AB58C, xxh32("foo", ErofsLayout.EROFS_XATTR_FILTER_SEED + XattrPrefix.USER.index()));
    }

    @Test
    void hashesASubrange() {
        byte[] b = "xxabcxx".getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x32D153FF, XxHash32.hash(b, 2, 3, 0));
    }
}
