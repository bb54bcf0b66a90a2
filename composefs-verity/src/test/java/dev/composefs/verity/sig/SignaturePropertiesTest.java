package dev.composefs.verity.sig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Round trips and hostile-input properties of signing and verification, with keys made in the JVM. */
class SignaturePropertiesTest {
    private static final InJvmKeys RSA = InJvmKeys.rsa("property RSA");
    private static final InJvmKeys EC = InJvmKeys.ec("property EC");
    private static final FsVeritySignatureVerifier VERIFIER =
            new FsVeritySignatureVerifier(List.of(EC.certificate(), RSA.certificate()));
    private static final FsVerityDigest FIXED = FsVerityDigest.parse("sha256:" + "5a".repeat(32));
    private static final byte[] RSA_SIGNATURE = RSA.sign(FIXED);
    private static final byte[] EC_SIGNATURE = EC.sign(FIXED);

    @Provide
    Arbitrary<FsVerityDigest> digests() {
        return Arbitraries.of(FsVerityAlgorithm.class).flatMap(alg -> Arbitraries.bytes()
                .array(byte[].class).ofSize(alg.digestLength()).map(b -> FsVerityDigest.of(alg, b)));
    }

    @Property(tries = 40)
    void signedDigestsVerifyAndOthersDoNot(@ForAll("digests") FsVerityDigest digest,
            @ForAll("digests") FsVerityDigest other, @ForAll boolean useEc) throws Exception {
        InJvmKeys keys = useEc ? EC : RSA;
        byte[] sig = keys.signer().sign(digest);
        assertEquals(keys.certificate(), VERIFIER.verify(digest, sig));
        if (!other.equals(digest)) {
            assertThrows(SignatureVerificationException.class, () -> VERIFIER.verify(other, sig));
        }
    }

    @Property(tries = 300)
    void arbitraryBytesAreRejectedCleanly(@ForAll @Size(max = 600) byte[] bytes) {
        assertThrows(SignatureVerificationException.class, () -> VERIFIER.verify(FIXED, bytes));
    }

    /**
     * Changing one byte of a valid signature either leaves a signature that still proves the digest
     * (a byte no verifier looks at, such as the outer digest algorithm list) or fails with
     * {@link SignatureVerificationException}; nothing else escapes.
     */
    @Property(tries = 500)
    void mutatedSignaturesFailOnlyWithVerificationException(@ForAll boolean useEc, @ForAll @IntRange(min = 0, max = 10_000) int where,
            @ForAll @IntRange(min = 1, max = 255) int xor, @ForAll boolean truncate) {
        byte[] sig = (useEc ? EC_SIGNATURE : RSA_SIGNATURE).clone();
        int index = where % sig.length;
        byte[] mutated = truncate ? Arrays.copyOf(sig, index) : sig;
        if (!truncate) {
            mutated[index] ^= (byte) xor;
        }
        try {
            VERIFIER.verify(FIXED, mutated);
        } catch (SignatureVerificationException expected) {
            return;
        }
    }

    /** Any change to the RSA signature value (the last 256 bytes of the DER) is detected. */
    @Property(tries = 200)
    void changedRsaSignatureValueIsRejected(@ForAll @IntRange(min = 1, max = 256) int fromEnd,
            @ForAll @IntRange(min = 1, max = 255) int xor) {
        byte[] mutated = RSA_SIGNATURE.clone();
        mutated[mutated.length - fromEnd] ^= (byte) xor;
        assertThrows(SignatureVerificationException.class, () -> VERIFIER.verify(FIXED, mutated));
    }
}
