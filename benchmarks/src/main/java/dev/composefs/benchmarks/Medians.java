package dev.composefs.benchmarks;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Interleaved repeated measurements of several contenders: each round runs every contender once, so
 * that a noisy neighbour slows them alike; reports medians and ratios to a baseline. A contender runs
 * in this JVM or, added with {@link #addForked}, in a JVM of its own ({@link ForkedWork}), so that
 * contenders passing through the same JDK code do not share its JIT profile.
 */
final class Medians {
    /** One contender: a unit of work whose result is kept so the JIT cannot drop it. */
    @FunctionalInterface
    interface Work {
        Object run() throws Exception;
    }

    /** One measurement of a contender, in seconds. */
    @FunctionalInterface
    private interface Timed {
        double once() throws Exception;
    }

    /**
     * How long each child JVM runs its work before the rounds, long enough for the JIT to settle:
     * {@code -Dcomposefs.bench.forkWarmup=SECONDS}, 2 by default.
     */
    private static final double FORKED_WARMUP_SECONDS = Double.parseDouble(System.getProperty("composefs.bench.forkWarmup", "2"));

    private final Map<String, Timed> work = new LinkedHashMap<>();
    private final List<ForkedWork> forked = new ArrayList<>();
    private final Map<String, double[]> seconds = new LinkedHashMap<>();
    private Object sink;

    Medians add(String name, Work w) {
        work.put(name, () -> {
            long t0 = System.nanoTime();
            sink = w.run();
            return (System.nanoTime() - t0) / 1e9;
        });
        return this;
    }

    /**
     * Adds a contender that runs in a child JVM: {@code factory}'s static
     * {@code Medians.Work contender(String name, String[] args)} builds it there.
     */
    Medians addForked(String name, Class<?> factory, String... args) throws IOException {
        ForkedWork w = new ForkedWork(factory, name, List.of(args));
        forked.add(w);
        work.put(name, w::run);
        return this;
    }

    /** Runs {@code warmup} unmeasured rounds, then {@code rounds} measured ones; then stops child JVMs. */
    Medians run(int warmup, int rounds) throws Exception {
        try {
            for (ForkedWork w : forked) {
                w.warmUp(FORKED_WARMUP_SECONDS);
            }
            for (int i = 0; i < warmup; i++) {
                for (Timed w : work.values()) {
                    w.once();
                }
            }
            work.keySet().forEach(k -> seconds.put(k, new double[rounds]));
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Timed> e : work.entrySet()) {
                    seconds.get(e.getKey())[r] = e.getValue().once();
                }
            }
        } finally {
            for (ForkedWork w : forked) {
                w.close();
            }
        }
        return this;
    }

    double median(String name) {
        return Stats.median(seconds.get(name));
    }

    /** Records the ratio of contender {@code ours}'s median to contender {@code peer}'s under {@code item}. */
    Medians ratio(RatioLog log, String item, String ours, String peer) throws IOException {
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
