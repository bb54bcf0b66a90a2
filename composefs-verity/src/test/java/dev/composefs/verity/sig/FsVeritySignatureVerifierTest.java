package dev.composefs.verity.sig;

import dev.composefs.verity.testutil.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERSequence;
import org.bouncycastle.asn1.BERTaggedObject;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FsVeritySignatureVerifierTest {
    @TempDir
    static Path dir;
    static TestKeys keys;
    static Path file;
    static X509Certificate rsaCert;
    static X509Certificate ecCert;

    @BeforeAll
    static void makeKeys() throws IOException {
        assumeTrue(TestKeys.opensslInstalled(), "openssl not installed");
        keys = TestKeys.create(dir);
        rsaCert = PemFiles.readCertificate(keys.rsaCert);
        ecCert = PemFiles.readCertificate(keys.ecCert);
        byte[] content = new byte[70_000];
        new Random(1).nextBytes(content);
        file = Files.write(dir.resolve("data"), content);
    }

    private static FsVeritySignatureVerifier trusting(X509Certificate... certs) {
        return new FsVeritySignatureVerifier(List.of(certs));
    }

    private static FsVerityDigest randomDigest(FsVerityAlgorithm alg, long seed) {
        byte[] bytes = new byte[alg.digestLength()];
        new Random(seed).nextBytes(bytes);
        return FsVerityDigest.of(alg, bytes);
    }

    @ParameterizedTest
    @EnumSource(FsVerityAlgorithm.class)
    void fsveritySignaturesVerify(FsVerityAlgorithm alg) throws IOException {
        assumeTrue(FsVeritySignerTest.fsverityInstalled(), "fsverity not installed");
        FsVerityDigest digest = FsVeritySignerTest.fsverityDigest(file, alg);
        byte[] rsa = FsVeritySignerTest.fsveritySign(file, keys.rsaKey, keys.rsaCert, alg);
        byte[] ec = FsVeritySignerTest.fsveritySign(file, keys.ecKey, keys.ecCert, alg);
        FsVeritySignatureVerifier verifier = trusting(ecCert, rsaCert);
        assertEquals(rsaCert, verifier.verify(digest, rsa));
        assertEquals(ecCert, verifier.verify(digest, ec));
    }

    @Test
    void opensslCmsSignatureWithSignedAttributesAndCertificatesVerifies() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 3);
        Path payload = Files.write(dir.resolve("payload-attrs"), digest.formattedDigest());
        Path sig = dir.resolve("attrs.sig");
        ExternalTools.run(dir, "openssl", "cms", "-sign", "-binary", "-outform", "DER", "-in", payload.toString(),
                "-signer", keys.ecCert.toString(), "-inkey", keys.ecKey.toString(), "-out", sig.toString());
        assertEquals(ecCert, trusting(ecCert).verify(digest, sig));
        assertFails(() -> trusting(ecCert).verify(randomDigest(FsVerityAlgorithm.SHA256, 4), sig),
                sig + ": signature by CN=composefs test EC does not verify for sha256:");
    }

    @Test
    void berEncodingWithIndefiniteLengthsVerifies() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA512, 17);
        byte[] der = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(digest);
        ASN1Sequence outer = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
        ASN1Sequence signedData = ASN1Sequence.getInstance(
                ASN1TaggedObject.getInstance(outer.getObjectAt(1)).getExplicitBaseObject());
        byte[] ber = new BERSequence(new ASN1Encodable[] {outer.getObjectAt(0),
                new BERTaggedObject(true, 0, new BERSequence(signedData.toArray()))}).getEncoded(ASN1Encoding.BER);
        assertEquals((byte) 0x80, ber[1], "not an indefinite-length encoding");
        assertEquals(rsaCert, trusting(rsaCert).verify(digest, ber));
    }

    @Test
    void pemSignatureIsExplained() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 18);
        Path payload = Files.write(dir.resolve("payload-pem"), digest.formattedDigest());
        Path sig = dir.resolve("pem.sig");
        ExternalTools.run(dir, "openssl", "cms", "-sign", "-noattr", "-binary", "-outform", "PEM",
                "-in", payload.toString(), "-signer", keys.rsaCert.toString(), "-inkey", keys.rsaKey.toString(),
                "-out", sig.toString());
        assertFails(() -> trusting(rsaCert).verify(digest, sig),
                sig + ": malformed PKCS#7 signature: it is PEM text; fs-verity signatures are raw DER");
    }

    @Test
    void signatureCarryingItsContentIsRejected() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 5);
        Path payload = Files.write(dir.resolve("payload-attached"), digest.formattedDigest());
        Path sig = dir.resolve("attached.sig");
        ExternalTools.run(dir, "openssl", "cms", "-sign", "-nodetach", "-noattr", "-binary", "-outform", "DER",
                "-in", payload.toString(), "-signer", keys.rsaCert.toString(), "-inkey", keys.rsaKey.toString(),
                "-out", sig.toString());
        assertFails(() -> trusting(rsaCert).verify(digest, sig),
                sig + ": malformed PKCS#7 signature: the signature carries its content");
    }

    @Test
    void signerThatIsNotTrustedIsRejected() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 6);
        byte[] sig = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(digest);
        assertFails(() -> trusting(ecCert).verify(digest, sig),
                "signature: signed by issuer CN=composefs test RSA serial ");
        assertFails(() -> trusting(ecCert).verify(digest, sig), "which is not one of the trusted certificates");
    }

    @Test
    void certificateWithSameNameAndSerialButAnotherKeyIsRejected() throws IOException {
        Path key = dir.resolve("twin.key");
        Path cert = dir.resolve("twin.crt");
        String serial = PemFiles.readCertificate(keys.rsaCert).getSerialNumber().toString(16);
        ExternalTools.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "30", "-subj", "/CN=composefs test RSA", "-set_serial", "0x" + serial);
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA512, 7);
        byte[] sig = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(digest);
        assertFails(() -> trusting(PemFiles.readCertificate(cert)).verify(digest, sig),
                "signature: signature by CN=composefs test RSA does not verify for sha512:");
    }

    @ParameterizedTest
    @EnumSource(FsVerityAlgorithm.class)
    void wrongDigestIsRejected(FsVerityAlgorithm alg) throws IOException {
        FsVerityDigest digest = randomDigest(alg, 8);
        FsVerityDigest other = randomDigest(alg, 9);
        for (Path[] pair : new Path[][] {{keys.rsaKey, keys.rsaCert}, {keys.ecKey, keys.ecCert}}) {
            byte[] sig = FsVeritySignerTest.signer(pair[0], pair[1]).sign(digest);
            assertFails(() -> trusting(rsaCert, ecCert).verify(other, sig), "does not verify for " + other);
        }
    }

    @Test
    void digestOfOtherAlgorithmWithSameBytesIsRejected() throws IOException {
        FsVerityDigest sha512 = randomDigest(FsVerityAlgorithm.SHA512, 10);
        byte[] sig = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(sha512);
        FsVerityDigest sha256 = FsVerityDigest.of(FsVerityAlgorithm.SHA256, Arrays.copyOf(sha512.bytes(), 32));
        assertFails(() -> trusting(rsaCert).verify(sha256, sig), "does not verify for " + sha256);
    }

    @Test
    void tamperedSignatureValueIsRejected() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 11);
        byte[] rsa = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(digest);
        rsa[rsa.length - 1] ^= 1;
        assertFails(() -> trusting(rsaCert).verify(digest, rsa), "signature: signature by CN=composefs test RSA does not verify");
        byte[] ec = FsVeritySignerTest.signer(keys.ecKey, keys.ecCert).sign(digest);
        ec[ec.length - 1] ^= 1;
        assertFails(() -> trusting(ecCert).verify(digest, ec), "signature: signature by CN=composefs test EC does not verify");
    }

    @Test
    void garbageIsMalformed() throws IOException {
        FsVerityDigest digest = randomDigest(FsVerityAlgorithm.SHA256, 12);
        byte[] random = new byte[300];
        new Random(13).nextBytes(random);
        FsVeritySignatureVerifier verifier = trusting(rsaCert);
        assertFails(() -> verifier.verify(digest, random), "signature: malformed PKCS#7 signature: ");
        assertFails(() -> verifier.verify(digest, new byte[0]), "signature: malformed PKCS#7 signature: ");
        byte[] valid = FsVeritySignerTest.signer(keys.rsaKey, keys.rsaCert).sign(digest);
        assertFails(() -> verifier.verify(digest, Arrays.copyOf(valid, valid.length / 2)),
                "signature: malformed PKCS#7 signature: ");
        assertFails(() -> verifier.verify(digest, Arrays.copyOf(valid, valid.length + 1)),
                "signature: malformed PKCS#7 signature: ");
        assertFails(() -> verifier.verify(digest, Files.readAllBytes(keys.rsaCert)),
                "signature: malformed PKCS#7 signature: ");
    }

    @Test
    void certificateIsNotASignature() throws IOException {
        Path der = dir.resolve("rsa.der");
        ExternalTools.run(dir, "openssl", "x509", "-in", keys.rsaCert.toString(), "-outform", "DER", "-out", der.toString());
        assertFails(() -> trusting(rsaCert).verify(randomDigest(FsVerityAlgorithm.SHA256, 14), der),
                der + ": malformed PKCS#7 signature: ");
    }

    @Test
    void oversizedSignatureFileIsRefused() throws IOException {
        Path big = Files.write(dir.resolve("big.sig"), new byte[FsVeritySignatureVerifier.MAX_SIGNATURE_SIZE + 1]);
        assertFails(() -> trusting(rsaCert).verify(randomDigest(FsVerityAlgorithm.SHA256, 15), big),
                big + ": signature is larger than the kernel's limit of 16128 bytes");
    }

    @Test
    void missingSignatureFileIsNoSuchFile() {
        assertThrows(java.nio.file.NoSuchFileException.class,
                () -> trusting(rsaCert).verify(randomDigest(FsVerityAlgorithm.SHA256, 16), dir.resolve("absent.sig")));
    }

    @Test
    void emptyTrustSetIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FsVeritySignatureVerifier(List.of()));
    }

    private static void assertFails(Executable call, String expectedPart) {
        SignatureVerificationException e = assertThrows(SignatureVerificationException.class, call);
        assertTrue(e.getMessage().contains(expectedPart), () -> "message \"" + e.getMessage()
                + "\" lacks \"" + expectedPart + "\"");
    }
}
