package dev.composefs.verity.sig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.verity.FsVerityDigest;
import java.io.ByteArrayOutputStream;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DerLayoutTest {
    private static final InJvmKeys EC = InJvmKeys.ec("layout EC");
    private static final FsVerityDigest DIGEST = FsVerityDigest.parse("sha256:" + "33".repeat(32));

    @Test
    void realSignaturesPass() {
        assertNull(DerLayout.problem(EC.sign(DIGEST)));
    }

    @Test
    void simpleShapes() {
        assertNull(DerLayout.problem(bytes(0x30, 0x03, 0x02, 0x01, 0x07)));
        assertNull(DerLayout.problem(bytes(0x30, 0x80, 0x02, 0x01, 0x07, 0x00, 0x00)));
        assertNull(DerLayout.problem(bytes(0x30, 0x80, 0x30, 0x80, 0x00, 0x00, 0x00, 0x00)));
        assertEquals("it is empty", DerLayout.problem(new byte[0]));
        assertEquals("trailing bytes at offset 5", DerLayout.problem(bytes(0x30, 0x03, 0x02, 0x01, 0x07, 0x00)));
        assertEquals("element at offset 2 runs past the end of its container at offset 5",
                DerLayout.problem(bytes(0x30, 0x03, 0x02, 0x02, 0x07)));
        assertEquals("truncated element at offset 7", DerLayout.problem(bytes(0x30, 0x80, 0x02, 0x01, 0x07, 0x30, 0x80)));
        assertEquals("indefinite length on a primitive element at offset 0", DerLayout.problem(bytes(0x04, 0x80, 0x00, 0x00)));
        assertEquals("length of the element at offset 0 does not fit in 4 bytes",
                DerLayout.problem(bytes(0x04, 0x85, 1, 0, 0, 0, 0)));
        assertEquals("bad tag at offset 0", DerLayout.problem(bytes(0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00)));
    }

    @Test
    void deepNestingIsRejectedBeforeParsing() {
        FsVeritySignatureVerifier verifier = new FsVeritySignatureVerifier(List.of(EC.certificate()));
        for (byte[] deep : new byte[][] {nestedIndefinite(4000), nestedDefinite(5000)}) {
            SignatureVerificationException e = assertThrows(SignatureVerificationException.class,
                    () -> verifier.verify(DIGEST, deep));
            assertTrue(e.getMessage().startsWith("signature: malformed PKCS#7 signature: elements nested more than "
                    + DerLayout.MAX_DEPTH + " deep at offset "), e.getMessage());
        }
    }

    /** Cutting a valid signature anywhere leaves a truncated element. */
    @Property(tries = 200)
    void everyProperPrefixIsRejected(@ForAll @IntRange(min = 0, max = 100_000) int cut) {
        byte[] sig = EC.sign(DIGEST);
        byte[] prefix = java.util.Arrays.copyOf(sig, cut % sig.length);
        assertTrue(DerLayout.problem(prefix) != null);
    }

    private static byte[] nestedIndefinite(int levels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < levels; i++) {
            out.write(0x30);
            out.write(0x80);
        }
        for (int i = 0; i < levels; i++) {
            out.write(0);
            out.write(0);
        }
        return out.toByteArray();
    }

    /** Definite-length SEQUENCEs nested as deep as 16 KB allows. */
    private static byte[] nestedDefinite(int levels) {
        byte[] b = bytes(0x05, 0x00);
        for (int i = 0; i < levels && b.length < 16_000; i++) {
            int l = b.length;
            byte[] header = l < 128 ? bytes(0x30, l) : l < 256 ? bytes(0x30, 0x81, l) : bytes(0x30, 0x82, l >> 8, l & 0xff);
            byte[] next = new byte[header.length + l];
            System.arraycopy(header, 0, next, 0, header.length);
            System.arraycopy(b, 0, next, header.length, l);
            b = next;
        }
        return b;
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
