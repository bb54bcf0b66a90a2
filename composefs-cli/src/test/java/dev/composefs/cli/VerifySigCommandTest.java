package dev.composefs.cli;

import static dev.composefs.cli.SigningFixtures.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.cli.SigningFixtures.KeyPairFiles;
import dev.composefs.cli.SigningFixtures.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifySigCommandTest {
    @TempDir
    static Path dir;
    static KeyPairFiles rsa;
    static KeyPairFiles ec;
    static Path file;
    static String digest;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(SigningFixtures.installed("openssl", "version"), "openssl not installed");
        assumeTrue(SigningFixtures.installed("fsverity", "--version"), "fsverity not installed");
        rsa = SigningFixtures.rsa(dir, "verify-rsa");
        ec = SigningFixtures.ec(dir, "verify-ec");
        byte[] content = new byte[50_000];
        new Random(4).nextBytes(content);
        file = Files.write(dir.resolve("data.bin"), content);
        digest = SigningFixtures.run(dir, "fsverity", "digest", file.toString()).split(" ")[0];
    }

    private static Path fsveritySign(KeyPairFiles keys, String name, String... options) throws IOException {
        Path sig = dir.resolve(name);
        String[] command = new String[6 + options.length];
        command[0] = "fsverity";
        command[1] = "sign";
        command[2] = file.toString();
        command[3] = sig.toString();
        command[4] = "--key=" + keys.key();
        command[5] = "--cert=" + keys.cert();
        System.arraycopy(options, 0, command, 6, options.length);
        SigningFixtures.run(dir, command);
        return sig;
    }

    @Test
    void fsverityRsaSignatureVerifies() throws IOException {
        Path sig = fsveritySign(rsa, "rsa.sig");
        Result r = cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + rsa.cert());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("Verified signature of file '" + file + "' (" + digest + ") by CN=verify-rsa"
                + System.lineSeparator(), r.stdout());
    }

    @Test
    void fsverityEcSignatureWithOptionsVerifiesWithTheSameOptionsOnly() throws IOException {
        Path sig = fsveritySign(ec, "ec-salted.sig", "--hash-alg=sha512", "--block-size=2048", "--salt=abcd");
        Result r = cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + rsa.cert(),
                "--cert=" + ec.cert(), "--hash-alg=sha512", "--block-size=2048", "--salt=abcd");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.stdout().endsWith(") by CN=verify-ec" + System.lineSeparator()), r.stdout());
        Result unsalted = cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + ec.cert(),
                "--hash-alg=sha512", "--block-size=2048");
        assertFailure(unsalted, sig + ": signature by CN=verify-ec does not verify for sha512:");
    }

    @Test
    void ourSignatureVerifiesWithBundleOfCertificates() throws IOException {
        Path bundle = Files.writeString(dir.resolve("bundle.pem"), Files.readString(ec.cert()) + Files.readString(rsa.cert()));
        Path sig = dir.resolve("ours.sig");
        assertEquals(0, cli("fsverity", "sign", file.toString(), sig.toString(), "--key=" + rsa.key(),
                "--cert=" + rsa.cert()).exitCode());
        Result r = cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + bundle);
        assertEquals(0, r.exitCode(), r.stderr());
    }

    @Test
    void untrustedSignerFails() throws IOException {
        Path sig = fsveritySign(rsa, "untrusted.sig");
        assertFailure(cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + ec.cert()),
                sig + ": signed by issuer CN=verify-rsa serial ");
    }

    @Test
    void changedFileFails() throws IOException {
        Path sig = fsveritySign(rsa, "changed.sig");
        Path changed = Files.copy(file, dir.resolve("changed.bin"));
        byte[] bytes = Files.readAllBytes(changed);
        bytes[12345] ^= 1;
        Files.write(changed, bytes);
        assertFailure(cli("fsverity", "verify-sig", changed.toString(), sig.toString(), "--cert=" + rsa.cert()),
                sig + ": signature by CN=verify-rsa does not verify for sha256:");
    }

    @Test
    void garbageSignatureFails() throws IOException {
        Path sig = Files.write(dir.resolve("garbage.sig"), new byte[] {0x30, 0x03, 0x02, 0x01, 0x07});
        assertFailure(cli("fsverity", "verify-sig", file.toString(), sig.toString(), "--cert=" + rsa.cert()),
                sig + ": malformed PKCS#7 signature: ");
    }

    @Test
    void missingCertOptionIsUsageError() {
        Result r = cli("fsverity", "verify-sig", file.toString(), dir.resolve("any.sig").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().startsWith("fsverity: Missing required option: '--cert=CERTFILE'"), r.stderr());
    }

    @Test
    void missingSignatureFileIsOneLineError() {
        Path absent = dir.resolve("absent.sig");
        SignCommandTest.assertOneLineError(cli("fsverity", "verify-sig", file.toString(), absent.toString(),
                "--cert=" + rsa.cert()), 1, "fsverity: " + absent + ": No such file or directory");
    }

    private static void assertFailure(Result r, String messageStart) {
        assertEquals(1, r.exitCode(), r.stderr());
        assertEquals("", r.stdout());
        String prefix = "fsverity: " + messageStart;
        assertTrue(r.stderr().startsWith(prefix), () -> r.stderr() + " does not start with " + prefix);
        assertEquals(1, r.stderr().lines().count(), r.stderr());
    }
}
