package dev.composefs.cli;

import dev.composefs.verity.testutil.ExternalTools;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

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
        return ExternalTools.installed(command);
    }

    /** Runs an external {@code command} in {@code dir}. */
    static Result exec(Path dir, String... command) throws IOException {
        ExternalTools.Result r = ExternalTools.exec(dir, command);
        return new Result(r.exitCode(), r.stdout(), r.stderr());
    }

    /** Runs an external {@code command} in {@code dir}, asserting success; returns its output. */
    static String run(Path dir, String... command) throws IOException {
        return ExternalTools.run(dir, command);
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
