package dev.composefs.benchmarks;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Interleaved repeated measurements of several contenders: each round runs every contender once, so
 * that a noisy neighbour slows them alike; reports medians and ratios to a baseline.
 */
final class Medians {
    /** One contender: a unit of work whose result is kept so the JIT cannot drop it. */
    @FunctionalInterface
    interface Work {
        Object run() throws Exception;
    }

    private final Map<String, Work> work = new LinkedHashMap<>();
    private final Map<String, double[]> seconds = new LinkedHashMap<>();
    private Object sink;

    Medians add(String name, Work w) {
        work.put(name, w);
        return this;
    }

    /** Runs {@code warmup} unmeasured rounds, then {@code rounds} measured ones. */
    Medians run(int warmup, int rounds) throws Exception {
        for (int i = 0; i < warmup; i++) {
            for (Work w : work.values()) {
                sink = w.run();
            }
        }
        work.keySet().forEach(k -> seconds.put(k, new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Work> e : work.entrySet()) {
                long t0 = System.nanoTime();
                sink = e.getValue().run();
                seconds.get(e.getKey())[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        return this;
    }

    double median(String name) {
        return Stats.median(seconds.get(name));
    }

    /** Records the ratio of contender {@code ours}'s median to contender {@code peer}'s under {@code item}. */
    Medians ratio(RatioLog log, String item, String ours, String peer) throws java.io.IOException {
        log.add(item, ours, peer, seconds.get(ours), seconds.get(peer));
        return this;
    }

    /** A Markdown table: median time per contender and its ratio to {@code baseline}'s. */
    String table(String baseline) {
        StringBuilder sb = new StringBuilder("| contender | median | ratio to `" + baseline + "` |\n| --- | ---: | ---: |\n");
        double base = median(baseline);
        for (String name : seconds.keySet()) {
            double m = median(name);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.3f |%n", name, human(m), m / base));
        }
        if (sink == this) {
            sb.append('\n');
        }
        return sb.toString();
    }

    static String human(double s) {
        if (s >= 1) {
            return String.format(Locale.ROOT, "%.2f s", s);
        } else if (s >= 1e-3) {
            return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        }
        return String.format(Locale.ROOT, "%.2f µs", s * 1e6);
    }
}
