package dev.composefs.verity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs fsverity-utils' {@code fsverity digest}, the reference the digests are compared with. */
final class FsVerityTool {
    private static Boolean available;

    private FsVerityTool() {
    }

    static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder("fsverity", "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException | InterruptedException e) {
                available = false;
            }
        }
        return available;
    }

    /** {@code fsverity digest --compact} with the parameters, writing the descriptor and tree if asked. */
    static String digest(Path file, FsVerityParameters params, Path outDescriptor, Path outTree) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("fsverity", "digest", "--compact",
                "--hash-alg=" + params.algorithm().label(), "--block-size=" + params.blockSize()));
        if (params.saltSize() > 0) {
            cmd.add("--salt=" + HexFormat.of().formatHex(params.salt()));
        }
        if (outDescriptor != null) {
            cmd.add("--out-descriptor=" + outDescriptor);
        }
        if (outTree != null) {
            cmd.add("--out-merkle-tree=" + outTree);
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("fsverity failed: " + cmd + " -> " + out);
            }
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        return params.algorithm().label() + ":" + out;
    }
}
