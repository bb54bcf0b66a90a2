package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the erofs-utils tools ({@code fsck.erofs}, {@code dump.erofs}) on images; skips the test if absent. */
final class ErofsTools {
    /** What a tool printed (stdout and stderr together) and its exit status. */
    record Result(int exitCode, String output) {
    }

    private ErofsTools() {
    }

    static void assumeInstalled() {
        assumeTrue(onPath("fsck.erofs") && onPath("dump.erofs"), "erofs-utils (fsck.erofs, dump.erofs) not installed");
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static Result fsck(Path image, String... options) throws IOException, InterruptedException {
        return run("fsck.erofs", image, options);
    }

    static Result dump(Path image, String... options) throws IOException, InterruptedException {
        return run("dump.erofs", image, options);
    }

    private static Result run(String tool, Path image, String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(options));
        command.add(image.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(tool + " did not finish on " + image);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
