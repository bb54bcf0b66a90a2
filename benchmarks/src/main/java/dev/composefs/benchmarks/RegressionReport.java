package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The summary of a run: every comparison's time ratio ours / peer, next to the ratio of the committed
 * baseline run and the change between them, flagged when it exceeds a threshold and the noise the
 * two runs showed (the sum of both ratios' spreads between rounds). Ratios are compared, not times: a
 * shared machine slows both contenders of one run alike, but not two runs alike.
 *
 * <p>Usage: {@code RegressionReport --current=ratios.tsv [--baseline=baseline.tsv] [--threshold=25]
 * [--out=FILE]}. Exits with status 0 whatever it finds; the flags are for people to read.
 */
public final class RegressionReport {
    private RegressionReport() {
    }

    /** One line of a ratio file. */
    record Row(String item, String ours, String peer, double oursSeconds, double peerSeconds, double ratio, double spread) {
        String key() {
            return item + "\t" + ours + "\t" + peer;
        }
    }

    /** Prints (and optionally writes) the summary table. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, Set.of("current", "baseline", "threshold"));
        Path baselineFile = a.path("baseline");
        Map<String, Row> baseline = baselineFile != null && Files.exists(baselineFile) ? read(baselineFile) : Map.of();
        a.report(table(read(a.requiredPath("current")), baseline, baselineFile, a.integer("threshold", 25)));
    }

    /**
     * The rows of ratio file {@code file}, by item, ours and peer.
     *
     * @throws IOException naming the file and line if a line is not six tab-separated fields with numbers
     */
    static Map<String, Row> read(Path file) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("item\t")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                if (f.length != 6 && f.length != 7) {
                    throw new NumberFormatException("expected 6 or 7 tab-separated fields, found " + f.length);
                }
                Row r = new Row(f[0], f[1], f[2], Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]),
                        f.length == 7 ? Double.parseDouble(f[6]) : 0);
                rows.put(r.key(), r);
            } catch (NumberFormatException e) {
                throw new IOException(file + ": line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return rows;
    }

    static String table(Map<String, Row> current, Map<String, Row> baseline, Path baselineFile, int thresholdPercent) {
        StringBuilder sb = new StringBuilder();
        sb.append("Time ratio ours / peer (medians of this run; below 1 = ours faster)");
        if (baseline.isEmpty()) {
            sb.append(", no baseline to compare with").append(baselineFile == null ? "" : " (" + baselineFile + " missing)");
        } else {
            sb.append(", against the baseline `").append(baselineFile.getFileName()).append("`; changes beyond ±")
                    .append(thresholdPercent).append("% and beyond the noise of both runs (spread: the interquartile range of"
                            + " the per-round ratios over their median) are flagged");
        }
        sb.append(":\n\n| item | ours | peer | ours, median | peer, median | ours/peer | spread | baseline | change |\n"
                + "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
        int slower = 0;
        int faster = 0;
        int noisy = 0;
        for (Row r : current.values()) {
            Row b = baseline.get(r.key());
            String base = "—";
            String change = b == null ? "new" : "";
            if (b != null) {
                base = String.format(Locale.ROOT, "%.3f", b.ratio());
                double pct = (r.ratio() / b.ratio() - 1) * 100;
                double noise = (r.spread() + b.spread()) * 100;
                change = String.format(Locale.ROOT, "%+.0f%%", pct);
                if (Math.abs(pct) > thresholdPercent && Math.abs(pct) <= noise) {
                    change += String.format(Locale.ROOT, " (within noise ±%.0f%%)", noise);
                    noisy++;
                } else if (pct > thresholdPercent) {
                    change = "**" + change + " SLOWER**";
                    slower++;
                } else if (pct < -thresholdPercent) {
                    change = "**" + change + " faster**";
                    faster++;
                }
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %.3f | ±%.0f%% | %s | %s |%n", r.item(), r.ours(),
                    r.peer(), Medians.human(r.oursSeconds()), Medians.human(r.peerSeconds()), r.ratio(), r.spread() * 100, base,
                    change));
        }
        if (!baseline.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%n%d of %d ratios moved beyond ±%d%% and the noise: %d slower (regressions),"
                    + " %d faster; %d more moved that far but within the noise.%n", slower + faster, current.size(),
                    thresholdPercent, slower, faster, noisy));
            for (Row b : baseline.values()) {
                if (!current.containsKey(b.key())) {
                    sb.append("Not measured in this run (in the baseline): ").append(b.item()).append(": ")
                            .append(b.ours()).append(" / ").append(b.peer()).append('\n');
                }
            }
        }
        return sb.toString();
    }
}
