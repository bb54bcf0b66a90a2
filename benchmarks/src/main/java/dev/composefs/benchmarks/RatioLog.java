package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * The machine-readable side of a run: one tab-separated line per comparison (item, our contender, its
 * peer, both medians in seconds, the time ratio ours / peer, and that ratio's spread within the run),
 * appended to a file that
 * {@link RegressionReport} compares with the committed baseline. Ratios rather than times, because a
 * shared machine slows both sides of a comparison alike but not two runs alike.
 */
final class RatioLog {
    /** The header line of a ratio file. */
    static final String HEADER = "item\tours\tpeer\tours_seconds\tpeer_seconds\tratio\tspread";

    private final Path file;

    /** A log appending to {@code file}, or one that records nothing if {@code file} is null. */
    RatioLog(Path file) {
        this.file = file;
    }

    /**
     * Records the rounds of {@code ours} against those of {@code peer}, measured interleaved (round
     * {@code i} of both ran back to back): the ratio of the medians, and as its spread the interquartile
     * range of the per-round ratios relative to their median, how far the run's noise moved it.
     */
    void add(String item, String ours, String peer, double[] oursRounds, double[] peerRounds) throws IOException {
        if (file == null) {
            return;
        }
        for (String field : new String[] {item, ours, peer}) {
            if (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("tab or newline in a ratio label: " + field);
            }
        }
        double oursSeconds = Stats.median(oursRounds);
        double peerSeconds = Stats.median(peerRounds);
        int n = Math.min(oursRounds.length, peerRounds.length);
        double[] perRound = new double[n];
        for (int i = 0; i < n; i++) {
            perRound[i] = oursRounds[i] / peerRounds[i];
        }
        double spread = n == 0 ? 0 : (Stats.quantile(perRound, 0.75) - Stats.quantile(perRound, 0.25)) / Stats.median(perRound);
        String line = String.format(Locale.ROOT, "%s\t%s\t%s\t%.6g\t%.6g\t%.4f\t%.4f%n", item, ours, peer, oursSeconds,
                peerSeconds, oursSeconds / peerSeconds, spread);
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (!Files.exists(file)) {
            Files.writeString(file, HEADER + "\n", StandardCharsets.UTF_8);
        }
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
