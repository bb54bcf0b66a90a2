package dev.composefs.benchmarks;

import java.util.Arrays;

/** Medians of repeated measurements: robust against the noise of a shared machine. */
final class Stats {
    private Stats() {
    }

    /** The median of {@code values}. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
