package dev.composefs.verity.testutil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the external tools the tests compare with ({@code openssl}, {@code fsverity}); shared with
 * the other modules' tests through the test jar.
 */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** What a finished process returned. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** Whether {@code command} (e.g. {@code openssl version}) runs and exits 0. */
    public static boolean installed(String... command) {
        try {
            return exec(Path.of("."), command).exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code command} in {@code dir} and returns its result, whatever the exit code. */
    public static Result exec(Path dir, String... command) throws IOException {
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

    /** Runs {@code command} in {@code dir}, asserts it succeeded, returns its standard output. */
    public static String run(Path dir, String... command) throws IOException {
        Result r = exec(dir, command);
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + " failed: " + r.stderr());
        return r.stdout();
    }
}
