package dev.composefs.format.testutil;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external tools tests compare against ({@code fsverity}, {@code cp}). */
public final class ExternalTools {
    private ExternalTools() {
    }

    /** Whether {@code tool} is an executable on the PATH. */
    public static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command, returns its standard output; fails on a non-zero exit. */
    public static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + text);
        }
        return text;
    }

    /** {@code fsverity digest --compact FILE}: the hex digest. */
    public static String fsverityDigest(Path file) throws IOException, InterruptedException {
        return run(List.of("fsverity", "digest", "--compact", file.toString())).trim();
    }
}
