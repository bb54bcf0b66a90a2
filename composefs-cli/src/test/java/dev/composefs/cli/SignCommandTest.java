package dev.composefs.cli;

import static dev.composefs.cli.SigningFixtures.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.composefs.cli.SigningFixtures.KeyPairFiles;
import dev.composefs.cli.SigningFixtures.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SignCommandTest {
    @TempDir
    static Path dir;
    static KeyPairFiles rsa;
    static KeyPairFiles ec;
    static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        assumeTrue(SigningFixtures.installed("openssl", "version"), "openssl not installed");
        assumeTrue(SigningFixtures.installed("fsverity", "--version"), "fsverity not installed");
        rsa = SigningFixtures.rsa(dir, "cli-rsa");
        ec = SigningFixtures.ec(dir, "cli-ec");
        byte[] content = new byte[200_000];
        new Random(3).nextBytes(content);
        file = Files.write(dir.resolve("data.bin"), content);
    }

    /**
     * Our {@code fsverity sign} and fsverity-utils' with the same arguments: same output line, same
     * signature bytes, same Merkle tree and descriptor files.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "--hash-alg=sha512", "--block-size=1024 --salt=00112233", "--hash-alg=sha512 --block-size=65536 --salt=ff"})
    void rsaOutputEqualsFsverity(String options) throws IOException {
        String tag = Integer.toHexString(options.hashCode());
        List<String> extra = options.isEmpty() ? List.of() : List.of(options.split(" "));
        Result theirs = SigningFixtures.exec(dir, args("fsverity", "theirs-" + tag, rsa, extra));
        assertEquals(0, theirs.exitCode(), theirs.stderr());
        Result ours = cli(args("fsverity", "ours-" + tag, rsa, extra));
        assertEquals(0, ours.exitCode(), ours.stderr());
        assertEquals(theirs.stdout(), ours.stdout());
        assertEquals("", ours.stderr());
        for (String suffix : new String[] {".sig", ".tree", ".desc"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("theirs-" + tag + suffix)),
                    Files.readAllBytes(dir.resolve("ours-" + tag + suffix)), suffix);
        }
    }

    private static String[] args(String tool, String prefix, KeyPairFiles keys, List<String> extra) {
        List<String> a = new ArrayList<>(List.of(tool, "sign", file.toString(), dir.resolve(prefix + ".sig").toString(),
                "--key=" + keys.key(), "--cert=" + keys.cert(),
                "--out-merkle-tree=" + dir.resolve(prefix + ".tree"), "--out-descriptor=" + dir.resolve(prefix + ".desc")));
        a.addAll(extra);
        return a.toArray(String[]::new);
    }

    @Test
    void ecSignatureVerifiesWithOpenssl() throws IOException {
        Path sig = dir.resolve("ec.sig");
        Result ours = cli("fsverity", "sign", file.toString(), sig.toString(), "--key=" + ec.key(), "--cert=" + ec.cert());
        assertEquals(0, ours.exitCode(), ours.stderr());
        String hex = SigningFixtures.run(dir, "fsverity", "digest", "--for-builtin-sig", "--compact", file.toString()).strip();
        Path payload = Files.write(dir.resolve("ec.payload"), java.util.HexFormat.of().parseHex(hex));
        SigningFixtures.run(dir, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", sig.toString(),
                "-content", payload.toString(), "-certfile", ec.cert().toString(), "-CAfile", ec.cert().toString(),
                "-out", "/dev/null");
    }

    @Test
    void certificateDefaultsToTheKeyFile() throws IOException {
        Path combined = Files.writeString(dir.resolve("combined.pem"), Files.readString(rsa.key()) + Files.readString(rsa.cert()));
        Result ours = cli("fsverity", "sign", file.toString(), dir.resolve("combined-ours.sig").toString(), "--key=" + combined);
        assertEquals(0, ours.exitCode(), ours.stderr());
        SigningFixtures.run(dir, "fsverity", "sign", file.toString(), dir.resolve("combined-theirs.sig").toString(),
                "--key=" + combined);
        assertArrayEquals(Files.readAllBytes(dir.resolve("combined-theirs.sig")),
                Files.readAllBytes(dir.resolve("combined-ours.sig")));
    }

    @Test
    void missingKeyIsOneLineError() {
        assertOneLineError(cli("fsverity", "sign", file.toString(), dir.resolve("x.sig").toString(), "--cert=" + rsa.cert()),
                1, "fsverity: no private key specified");
    }

    @Test
    void keyOfAnotherCertificateIsOneLineError() {
        Path sig = dir.resolve("mismatch.sig");
        assertOneLineError(cli("fsverity", "sign", file.toString(), sig.toString(), "--key=" + ec.key(), "--cert=" + rsa.cert()),
                1, "fsverity: the private key is EC but certificate CN=cli-rsa holds an RSA public key");
        assertFalse(Files.exists(sig));
    }

    @Test
    void certificateAsKeyIsOneLineError() {
        assertOneLineError(cli("fsverity", "sign", file.toString(), dir.resolve("y.sig").toString(),
                "--key=" + rsa.cert(), "--cert=" + rsa.cert()), 1, "fsverity: " + rsa.cert() + ": no private key found (expected PEM PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    @Test
    void missingFilesAreOneLineErrors() {
        Path absent = dir.resolve("absent");
        assertOneLineError(cli("fsverity", "sign", absent.toString(), dir.resolve("z.sig").toString(),
                "--key=" + rsa.key(), "--cert=" + rsa.cert()), 1, "fsverity: " + absent + ": No such file or directory");
        Path noDir = dir.resolve("no-such-dir").resolve("z.sig");
        assertOneLineError(cli("fsverity", "sign", file.toString(), noDir.toString(),
                "--key=" + rsa.key(), "--cert=" + rsa.cert()), 1, "fsverity: " + noDir + ": No such file or directory");
        assertOneLineError(cli("fsverity", "sign", dir.toString(), dir.resolve("d.sig").toString(),
                "--key=" + rsa.key(), "--cert=" + rsa.cert()), 1, "fsverity: reading from '" + dir + "': Is a directory");
    }

    @Test
    void badOptionsAreUsageErrors() {
        Result r = cli("fsverity", "sign", file.toString(), dir.resolve("u.sig").toString(), "--key=" + rsa.key(),
                "--hash-alg=md5");
        assertEquals(2, r.exitCode());
        assertTrue(r.stderr().startsWith("fsverity: unknown hash algorithm: 'md5'"), r.stderr());
        assertEquals(2, cli("fsverity", "sign", file.toString()).exitCode());
    }

    static void assertOneLineError(Result r, int exitCode, String line) {
        assertEquals(exitCode, r.exitCode(), r.stderr());
        assertEquals(line + System.lineSeparator(), r.stderr());
        assertEquals("", r.stdout());
    }
}
