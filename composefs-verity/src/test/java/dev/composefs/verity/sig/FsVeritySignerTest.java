package dev.composefs.verity.sig;

import dev.composefs.verity.testutil.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.DERSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FsVeritySignerTest {
    @TempDir
    static Path dir;
    static TestKeys keys;
    static Path file;

    @BeforeAll
    static void makeKeysAndFile() throws IOException {
        assumeTrue(TestKeys.opensslInstalled(), "openssl not installed");
        keys = TestKeys.create(dir);
        byte[] content = new byte[10_000];
        new Random(42).nextBytes(content);
        file = Files.write(dir.resolve("data"), content);
    }

    static boolean fsverityInstalled() {
        return ExternalTools.installed("fsverity", "--version");
    }

    /** The file's digest as {@code fsverity digest} computes it. */
    static FsVerityDigest fsverityDigest(Path file, FsVerityAlgorithm alg) throws IOException {
        String hex = ExternalTools.run(file.getParent(), "fsverity", "digest", "--compact",
                "--hash-alg=" + alg.label(), file.toString()).strip();
        return FsVerityDigest.of(alg, HexFormat.of().parseHex(hex));
    }

    /** {@code fsverity sign}'s signature of {@code file}. */
    static byte[] fsveritySign(Path file, Path key, Path cert, FsVerityAlgorithm alg) throws IOException {
        Path sig = file.resolveSibling(file.getFileName() + "." + key.getFileName() + "." + alg.label() + ".sig");
        ExternalTools.run(file.getParent(), "fsverity", "sign", file.toString(), sig.toString(), "--key=" + key,
                "--cert=" + cert, "--hash-alg=" + alg.label());
        return Files.readAllBytes(sig);
    }

    static FsVeritySigner signer(Path key, Path cert) throws IOException {
        return new FsVeritySigner(PemFiles.readPrivateKey(key), PemFiles.readCertificate(cert));
    }

    @ParameterizedTest
    @EnumSource(FsVerityAlgorithm.class)
    void rsaSignatureIsByteEqualToFsverity(FsVerityAlgorithm alg) throws IOException {
        assumeTrue(fsverityInstalled(), "fsverity not installed");
        byte[] reference = fsveritySign(file, keys.rsaKey, keys.rsaCert, alg);
        byte[] ours = signer(keys.rsaKey, keys.rsaCert).sign(fsverityDigest(file, alg));
        assertEquals(asn1parse(reference), asn1parse(ours));
        assertArrayEquals(reference, ours);
    }

    @ParameterizedTest
    @EnumSource(FsVerityAlgorithm.class)
    void ecSignatureDiffersFromFsverityOnlyInTheRandomSignatureValue(FsVerityAlgorithm alg) throws IOException {
        assumeTrue(fsverityInstalled(), "fsverity not installed");
        byte[] reference = fsveritySign(file, keys.ecKey, keys.ecCert, alg);
        byte[] ours = signer(keys.ecKey, keys.ecCert).sign(fsverityDigest(file, alg));
        assertNotEquals(HexFormat.of().formatHex(reference), HexFormat.of().formatHex(ours));
        assertArrayEquals(reference, withSignatureValueOf(ours, reference));
    }

    /** {@code signature} with its one SignerInfo's signature value replaced by {@code donor}'s. */
    private static byte[] withSignatureValueOf(byte[] signature, byte[] donor) throws IOException {
        SignedData ours = signedData(signature);
        SignerInfo info = SignerInfo.getInstance(ours.getSignerInfos().getObjectAt(0));
        SignerInfo donorInfo = SignerInfo.getInstance(signedData(donor).getSignerInfos().getObjectAt(0));
        SignerInfo swapped = new SignerInfo(info.getSID(), info.getDigestAlgorithm(), info.getAuthenticatedAttributes(),
                info.getDigestEncryptionAlgorithm(), donorInfo.getEncryptedDigest(), info.getUnauthenticatedAttributes());
        SignedData rebuilt = new SignedData(ours.getDigestAlgorithms(), ours.getEncapContentInfo(),
                ours.getCertificates(), ours.getCRLs(), new DERSet(swapped));
        return new ContentInfo(CMSObjectIdentifiers.signedData, rebuilt).getEncoded(ASN1Encoding.DER);
    }

    private static SignedData signedData(byte[] der) throws IOException {
        return SignedData.getInstance(ContentInfo.getInstance(ASN1Primitive.fromByteArray(der)).getContent());
    }

    @Test
    void signatureHasNoCertificatesNoAttributesAndIsDetached() throws IOException {
        FsVerityDigest digest = FsVerityDigest.parse("sha256:" + "ab".repeat(32));
        SignedData sd = signedData(signer(keys.ecKey, keys.ecCert).sign(digest));
        assertEquals(1, sd.getVersion().intValueExact());
        assertEquals(null, sd.getCertificates());
        assertEquals(null, sd.getCRLs());
        assertEquals(CMSObjectIdentifiers.data, sd.getEncapContentInfo().getContentType());
        assertEquals(null, sd.getEncapContentInfo().getContent());
        ASN1Set signers = sd.getSignerInfos();
        assertEquals(1, signers.size());
        SignerInfo info = SignerInfo.getInstance(signers.getObjectAt(0));
        assertEquals(1, info.getVersion().intValueExact());
        assertEquals(null, info.getAuthenticatedAttributes());
        assertEquals(null, info.getUnauthenticatedAttributes());
    }

    @ParameterizedTest
    @EnumSource(FsVerityAlgorithm.class)
    void opensslVerifiesOurSignatures(FsVerityAlgorithm alg) throws IOException {
        FsVerityDigest digest = fsverityDigestOfRandom(alg);
        Path payload = Files.write(dir.resolve("payload." + alg.label()), digest.formattedDigest());
        Path other = Files.write(dir.resolve("other." + alg.label()), fsverityDigestOfRandom(alg).formattedDigest());
        for (Path[] pair : new Path[][] {{keys.rsaKey, keys.rsaCert}, {keys.ecKey, keys.ecCert}}) {
            Path sig = Files.write(dir.resolve("ours." + alg.label() + ".sig"), signer(pair[0], pair[1]).sign(digest));
            String cert = pair[1].toString();
            ExternalTools.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
                    "-content", payload.toString(), "-certfile", cert, "-CAfile", cert, "-out", "/dev/null");
            ExternalTools.run(dir, "openssl", "smime", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
                    "-content", payload.toString(), "-certfile", cert, "-noverify", "-out", "/dev/null");
            ExternalTools.Result wrong = ExternalTools.exec(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER",
                    "-in", sig.toString(), "-content", other.toString(), "-certfile", cert, "-noverify",
                    "-out", "/dev/null");
            assertNotEquals(0, wrong.exitCode(), "openssl accepted the signature for another digest");
        }
    }

    private static final Random RANDOM = new Random(7);

    private static FsVerityDigest fsverityDigestOfRandom(FsVerityAlgorithm alg) {
        byte[] bytes = new byte[alg.digestLength()];
        RANDOM.nextBytes(bytes);
        return FsVerityDigest.of(alg, bytes);
    }

    @Test
    void keyOfAnotherTypeThanTheCertificateIsRejected() throws IOException {
        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> signer(keys.ecKey, keys.rsaCert));
        assertTrue(e.getMessage().contains("the private key is EC but certificate CN=composefs test RSA holds an RSA"),
                e.getMessage());
    }

    @Test
    void keyOfAnotherCertificateIsRejected() throws IOException {
        Path key = dir.resolve("other-rsa.key");
        Path cert = dir.resolve("other-rsa.crt");
        TestKeys.selfSigned(dir, "rsa:2048", key, cert, "/CN=other");
        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> signer(key, keys.rsaCert));
        assertEquals("the private key does not match certificate CN=composefs test RSA", e.getMessage());
    }

    @Test
    void ed25519KeyIsRejected() throws IOException {
        Path key = dir.resolve("ed25519.key");
        ExternalTools.run(dir, "openssl", "genpkey", "-algorithm", "ed25519", "-out", key.toString());
        KeyMaterialException e = assertThrows(KeyMaterialException.class, () -> signer(key, keys.rsaCert));
        assertEquals("the private key is of type Ed25519; fs-verity signatures are made with RSA or EC keys",
                e.getMessage());
    }

    private static String asn1parse(byte[] der) throws IOException {
        Path f = Files.createTempFile(dir, "asn1", ".der");
        Files.write(f, der);
        return ExternalTools.run(dir, "openssl", "asn1parse", "-inform", "DER", "-i", "-in", f.toString());
    }
}
