package dev.composefs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shared by the signing command tests: runs {@code openssl}/{@code fsverity} and our CLI in-process,
 * and makes RSA 2048 and EC prime256v1 keys with self-signed certificates.
 */
final class SigningFixtures {
    private SigningFixtures() {
    }

    /** What a finished command returned. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    /** A key and its certificate. */
    record KeyPairFiles(Path key, Path cert) {
    }

    /** Runs our CLI in-process with {@code args} (starting with the tool name). */
    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** Whether {@code command} runs and exits 0. */
    static boolean installed(String... command) {
        try {
            return exec(Path.of("."), command).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs an external {@code command} in {@code dir}. */
    static Result exec(Path dir, String... command) throws IOException {
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException("timed out: " + String.join(" ", command));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                    Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs an external {@code command} in {@code dir}, asserting success; returns its output. */
    static String run(Path dir, String... command) throws IOException {
        Result r = exec(dir, command);
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + " failed: " + r.stderr());
        return r.stdout();
    }

    /** A new key ({@code newkey} as openssl req takes it, e.g. {@code rsa:2048}) and self-signed certificate. */
    static KeyPairFiles selfSigned(Path dir, String name, String newkey) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        run(dir, "openssl", "req", "-x509", "-newkey", newkey, "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + name);
        return new KeyPairFiles(key, cert);
    }

    static KeyPairFiles rsa(Path dir, String name) throws IOException {
        return selfSigned(dir, name, "rsa:2048");
    }

    static KeyPairFiles ec(Path dir, String name) throws IOException {
        Path key = dir.resolve(name + ".key");
        Path cert = dir.resolve(name + ".crt");
        run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "30", "-subj", "/CN=" + name);
        return new KeyPairFiles(key, cert);
    }
}
