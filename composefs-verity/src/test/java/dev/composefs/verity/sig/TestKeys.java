package dev.composefs.verity.sig;

import dev.composefs.verity.testutil.ExternalTools;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Test keys and self-signed certificates made by {@code openssl} in a directory: RSA 2048 and EC
 * prime256v1, as an fs-verity signing setup would use.
 */
final class TestKeys {
    final Path rsaKey;
    final Path rsaCert;
    final Path ecKey;
    final Path ecCert;

    private TestKeys(Path dir) {
        rsaKey = dir.resolve("rsa.key");
        rsaCert = dir.resolve("rsa.crt");
        ecKey = dir.resolve("ec.key");
        ecCert = dir.resolve("ec.crt");
    }

    /** Whether openssl is there to make keys with. */
    static boolean opensslInstalled() {
        return ExternalTools.installed("openssl", "version");
    }

    /** Makes the keys and certificates in {@code dir}. */
    static TestKeys create(Path dir) throws IOException {
        TestKeys k = new TestKeys(dir);
        selfSigned(dir, "rsa:2048", k.rsaKey, k.rsaCert, "/CN=composefs test RSA");
        ExternalTools.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", k.ecKey.toString(), "-out", k.ecCert.toString(), "-days", "30",
                "-subj", "/CN=composefs test EC");
        return k;
    }

    /** Makes another RSA key and self-signed certificate. */
    static void selfSigned(Path dir, String newkey, Path key, Path cert, String subject) throws IOException {
        ExternalTools.run(dir, "openssl", "req", "-x509", "-newkey", newkey, "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "30", "-subj", subject);
    }
}
