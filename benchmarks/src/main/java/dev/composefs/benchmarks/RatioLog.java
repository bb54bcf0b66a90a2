package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The machine-readable side of a run: one tab-separated line per comparison (item, our contender, its
 * peer, both medians in seconds, and the time ratio ours / peer), appended to a file that
 * {@link RegressionReport} compares with the committed baseline. Ratios rather than times, because a
 * shared machine slows both sides of a comparison alike but not two runs alike.
 */
final class RatioLog {
    /** The header line of a ratio file. */
    static final String HEADER = "item\tours\tpeer\tours_seconds\tpeer_seconds\tratio";

    private final Path file;

    /** A log appending to {@code file}, or one that records nothing if {@code file} is null. */
    RatioLog(Path file) {
        this.file = file;
    }

    /** Records that {@code ours} took {@code oursSeconds} where {@code peer} took {@code peerSeconds}. */
    void add(String item, String ours, String peer, double oursSeconds, double peerSeconds) throws IOException {
        if (file == null) {
            return;
        }
        for (String field : new String[] {item, ours, peer}) {
            if (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("tab or newline in a ratio label: " + field);
            }
        }
        String line = String.format(Locale.ROOT, "%s\t%s\t%s\t%.6g\t%.6g\t%.4f%n", item, ours, peer, oursSeconds,
                peerSeconds, oursSeconds / peerSeconds);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
