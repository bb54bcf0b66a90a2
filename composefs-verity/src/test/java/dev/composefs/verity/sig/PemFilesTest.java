package dev.composefs.verity.sig;

import dev.composefs.verity.testutil.ExternalTools;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {
    @TempDir
    static Path dir;
    static TestKeys keys;

    @BeforeAll
    static void makeKeys() throws IOException {
        assumeTrue(TestKeys.opensslInstalled(), "openssl not installed");
        keys = TestKeys.create(dir);
    }

    @Test
    void pkcs8KeysLoad() throws IOException {
        assertEquals("RSA", PemFiles.readPrivateKey(keys.rsaKey).getAlgorithm());
        assertTrue(List.of("EC", "ECDSA").contains(PemFiles.readPrivateKey(keys.ecKey).getAlgorithm()));
    }

    @Test
    void traditionalRsaKeySignsLikeItsPkcs8Form() throws IOException {
        Path traditional = dir.resolve("rsa-traditional.key");
        ExternalTools.run(dir, "openssl", "rsa", "-in", keys.rsaKey.toString(), "-traditional", "-out", traditional.toString());
        assertTrue(Files.readString(traditional).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        X509Certificate cert = PemFiles.readCertificate(keys.rsaCert);
        FsVerityDigest digest = FsVerityDigest.parse("sha256:" + "01".repeat(32));
        assertArrayEquals(new FsVeritySigner(PemFiles.readPrivateKey(keys.rsaKey), cert).sign(digest),
                new FsVeritySigner(PemFiles.readPrivateKey(traditional), cert).sign(digest));
    }

    @Test
    void ecKeyAfterEcParametersBlockLoads() throws IOException {
        Path key = dir.resolve("ecparam.key");
        ExternalTools.run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", key.toString());
        assertTrue(Files.readString(key).startsWith("-----BEGIN EC PARAMETERS-----"));
        PrivateKey loaded = PemFiles.readPrivateKey(key);
        assertTrue(List.of("EC", "ECDSA").contains(loaded.getAlgorithm()));
    }

    @Test
    void encryptedKeyIsRefused() throws IOException {
        Path key = dir.resolve("encrypted.key");
        ExternalTools.run(dir, "openssl", "pkcs8", "-topk8", "-in", keys.rsaKey.toString(), "-out", key.toString(),
                "-passout", "pass:secret");
        assertFails(() -> PemFiles.readPrivateKey(key), key + ": the private key is encrypted");
    }

    @Test
    void certificateIsNotAKeyAndKeyIsNotACertificate() {
        assertFails(() -> PemFiles.readPrivateKey(keys.rsaCert), keys.rsaCert + ": no private key found");
        assertFails(() -> PemFiles.readCertificate(keys.rsaKey), keys.rsaKey + ": no certificate found");
    }

    @Test
    void derCertificateEqualsPemCertificate() throws IOException {
        Path der = dir.resolve("cert.der");
        ExternalTools.run(dir, "openssl", "x509", "-in", keys.ecCert.toString(), "-outform", "DER", "-out", der.toString());
        assertEquals(PemFiles.readCertificate(keys.ecCert), PemFiles.readCertificate(der));
    }

    @Test
    void bundleYieldsEveryCertificateInOrder() throws IOException {
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, Files.readString(keys.rsaCert) + Files.readString(keys.ecKey) + Files.readString(keys.ecCert));
        List<X509Certificate> certs = PemFiles.readCertificates(bundle);
        assertEquals(List.of(PemFiles.readCertificate(keys.rsaCert), PemFiles.readCertificate(keys.ecCert)), certs);
    }

    @Test
    void corruptPemIsRefusedWithTheFileName() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.pem"),
                "-----BEGIN CERTIFICATE-----\nMIIB!!!!notbase64\n-----END CERTIFICATE-----\n");
        assertFails(() -> PemFiles.readCertificate(bad), bad + ": ");
        Path badKey = Files.writeString(dir.resolve("bad.key"),
                "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n");
        assertFails(() -> PemFiles.readPrivateKey(badKey), badKey + ": ");
        Path binary = Files.write(dir.resolve("binary"), new byte[] {0x30, (byte) 0x82, 0x7f, 0x7f, 1, 2, 3});
        assertFails(() -> PemFiles.readCertificate(binary), binary + ": ");
        Path empty = Files.write(dir.resolve("empty"), new byte[0]);
        assertFails(() -> PemFiles.readCertificate(empty), empty + ": no certificate found");
        assertFails(() -> PemFiles.readPrivateKey(empty), empty + ": no private key found");
    }

    @Test
    void deeplyNestedDerIsRefusedBeforeParsing() throws IOException {
        StringBuilder der = new StringBuilder();
        byte[] nested = new byte[8000];
        for (int i = 0; i < nested.length / 2; i++) {
            nested[i] = (i % 2 == 0) ? (byte) 0x30 : (byte) 0x80;
        }
        der.append("-----BEGIN CERTIFICATE-----\n")
                .append(java.util.Base64.getMimeEncoder().encodeToString(nested))
                .append("\n-----END CERTIFICATE-----\n");
        Path pem = Files.writeString(dir.resolve("deep.pem"), der);
        assertFails(() -> PemFiles.readCertificate(pem), pem + ": PEM block 1 (CERTIFICATE) is not valid DER: "
                + "elements nested more than " + DerLayout.MAX_DEPTH + " deep");
        assertFails(() -> PemFiles.readPrivateKey(pem), pem + ": PEM block 1 (CERTIFICATE) is not valid DER: ");
        Path raw = Files.write(dir.resolve("deep.der"), nested);
        assertFails(() -> PemFiles.readCertificate(raw), raw + ": not a DER certificate: elements nested more than");
    }

    @Test
    void oversizedFileIsRefusedUnread() throws IOException {
        Path big = Files.write(dir.resolve("big.pem"), new byte[PemFiles.MAX_FILE_SIZE + 1]);
        assertFails(() -> PemFiles.readCertificate(big), big + ": larger than");
    }

    @Test
    void missingFileIsNoSuchFile() {
        assertThrows(NoSuchFileException.class, () -> PemFiles.readPrivateKey(dir.resolve("absent.key")));
        assertThrows(NoSuchFileException.class, () -> PemFiles.readCertificate(dir.resolve("absent.crt")));
    }

    private static void assertFails(Executable call, String expectedStart) {
        KeyMaterialException e = assertThrows(KeyMaterialException.class, call);
        assertTrue(e.getMessage().startsWith(expectedStart), () -> "message \"" + e.getMessage()
                + "\" does not start with \"" + expectedStart + "\"");
    }
}
