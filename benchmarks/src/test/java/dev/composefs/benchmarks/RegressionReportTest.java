package dev.composefs.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegressionReportTest {
    @TempDir
    Path dir;

    private Map<String, RegressionReport.Row> log(String name, double oursScale, double... peerRounds) throws IOException {
        Path file = dir.resolve(name);
        RatioLog log = new RatioLog(file);
        double[] ours = new double[peerRounds.length];
        for (int i = 0; i < ours.length; i++) {
            ours[i] = peerRounds[i] * oursScale;
        }
        log.add("walk", "cfs", "zipfs", ours, peerRounds);
        log.add("open", "cfs", "zipfs", new double[] {1, 1, 1}, new double[] {2, 2, 2});
        return RegressionReport.read(file);
    }

    @Test
    void ratioAndSpreadRoundTrip() throws IOException {
        Map<String, RegressionReport.Row> rows = log("a.tsv", 0.5, 1, 2, 3);
        RegressionReport.Row walk = rows.get("walk\tcfs\tzipfs");
        assertEquals(0.5, walk.ratio(), 1e-9);
        assertEquals(0, walk.spread(), 1e-9, "every round has the same ratio");
        assertEquals(2, walk.peerSeconds(), 1e-9);
    }

    @Test
    void spreadIsTheInterquartileRangeOfThePerRoundRatios() throws IOException {
        Path file = dir.resolve("s.tsv");
        new RatioLog(file).add("x", "a", "b", new double[] {1, 2, 3}, new double[] {1, 1, 1});
        // per-round ratios 1, 2, 3: quartiles 1.5 and 2.5, median 2
        assertEquals(0.5, RegressionReport.read(file).get("x\ta\tb").spread(), 1e-9);
    }

    @Test
    void flagsChangesBeyondTheThresholdOnly() throws IOException {
        Map<String, RegressionReport.Row> base = log("base.tsv", 0.5, 1, 1, 1);
        Map<String, RegressionReport.Row> slower = log("slower.tsv", 0.7, 1, 1, 1);
        String t = RegressionReport.table(slower, base, dir.resolve("base.tsv"), 25);
        assertTrue(t.contains("| walk | cfs | zipfs | 700.00 ms | 1.00 s | 0.700 | ±0% | 0.500 | **+40% SLOWER** |"), t);
        assertTrue(t.contains("| open | cfs | zipfs | 1.00 s | 2.00 s | 0.500 | ±0% | 0.500 | +0% |"), t);
        assertTrue(t.contains("1 of 2 ratios moved beyond ±25% and the noise: 1 slower"), t);

        String f = RegressionReport.table(log("faster.tsv", 0.3, 1, 1, 1), base, dir.resolve("base.tsv"), 25);
        assertTrue(f.contains("**-40% faster**"), f);
    }

    @Test
    void aChangeWithinTheRunsSpreadIsNotFlagged() throws IOException {
        Map<String, RegressionReport.Row> base = log("base.tsv", 0.5, 1, 1, 1);
        Path file = dir.resolve("noisy.tsv");
        new RatioLog(file).add("walk", "cfs", "zipfs", new double[] {0.35, 0.7, 1.05}, new double[] {1, 1, 1});
        String t = RegressionReport.table(RegressionReport.read(file), base, dir.resolve("base.tsv"), 25);
        assertTrue(t.contains("+40% (within noise ±50%)"), t);
        assertTrue(t.contains("0 slower (regressions), 0 faster; 1 more moved that far but within the noise"), t);
        assertTrue(t.contains("Not measured in this run (in the baseline): open: cfs / zipfs"), t);
    }

    @Test
    void withoutABaselineEveryRowIsNew() throws IOException {
        String t = RegressionReport.table(log("a.tsv", 0.5, 1, 1, 1), Map.of(), dir.resolve("missing.tsv"), 25);
        assertTrue(t.contains("no baseline to compare with"), t);
        assertTrue(t.contains("| 0.500 | ±0% | — | new |"), t);
    }

    @Test
    void aMalformedLineNamesTheFileAndLine() throws IOException {
        Path file = dir.resolve("bad.tsv");
        Files.writeString(file, RatioLog.HEADER + "\nwalk\tcfs\tzipfs\t1\t2\tx\t0\n");
        IOException e = assertThrows(IOException.class, () -> RegressionReport.read(file));
        assertTrue(e.getMessage().contains("bad.tsv: line 2"), e.getMessage());
        Files.writeString(file, "walk\tcfs\n");
        e = assertThrows(IOException.class, () -> RegressionReport.read(file));
        assertTrue(e.getMessage().contains("line 1: expected 6 or 7 tab-separated fields, found 2"), e.getMessage());
    }
}
