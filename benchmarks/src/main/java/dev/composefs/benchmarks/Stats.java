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

    /** The {@code q} quantile (0 to 1) of {@code values}, interpolated linearly between neighbours. */
    static double quantile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        double pos = q * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, v.length - 1);
        return v[lo] + (pos - lo) * (v[hi] - v[lo]);
    }
}
