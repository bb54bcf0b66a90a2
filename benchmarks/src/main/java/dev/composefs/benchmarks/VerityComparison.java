package dev.composefs.benchmarks;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.MerkleTreeCache;
import dev.composefs.verity.VerifiedChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * fs-verity throughput on one file, measured in one run, in rounds that interleave the contenders so
 * that machine noise hits them alike: {@code fsverity digest} (fsverity-utils, a process), our digest
 * on one thread and on all cores, a plain {@link FileChannel} read, and {@link VerifiedChannel} reads
 * opened cold (tree built at open) and warm (tree cached). The file is read once first, so every
 * contender reads from the page cache and the figures compare CPU cost.
 *
 * <p>Usage: {@code VerityComparison [--size=BYTES|1g|64m] [--rounds=N] [--file=PATH] [--out=results.md]
 * [--ratios=FILE]}.
 */
public final class VerityComparison {
    private VerityComparison() {
    }

    /** Runs the comparison and prints (and optionally writes) a Markdown table. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, java.util.Set.of("size", "rounds", "file"));
        long size = parseSize(a.string("size", "1g"));
        Path file = a.path("file");
        boolean temporary = file == null;
        if (temporary) {
            file = Files.createTempFile("verity-bench", ".bin");
        }
        try {
            if (temporary || !Files.exists(file) || Files.size(file) != size) {
                fill(file, size);
            }
            a.report(run(file, a.integer("rounds", 5), a.ratios()));
        } finally {
            if (temporary) {
                Files.deleteIfExists(file);
            }
        }
    }

    static long parseSize(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        long mult = l.endsWith("g") ? 1L << 30 : l.endsWith("m") ? 1L << 20 : l.endsWith("k") ? 1L << 10 : 1;
        return Long.parseLong(mult == 1 ? l : l.substring(0, l.length() - 1)) * mult;
    }

    static void fill(Path file, long size) throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = r.nextLong();
                    for (int j = 0; j < 8; j++) {
                        buf[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                o.write(buf, 0, (int) Math.min(left, buf.length));
            }
        }
    }

    /** A contender: one full pass over the file, returning a value so the work cannot be skipped. */
    private interface Pass {
        Object run() throws Exception;
    }

    static String run(Path file, int rounds, RatioLog log) throws Exception {
        long size = Files.size(file);
        int cores = Runtime.getRuntime().availableProcessors();
        FsVerityDigest expected = FsVerityHasher.digest(file);
        boolean tool = toolDigest(file) != null;
        MerkleTreeCache cache = MerkleTreeCache.inMemory(1L << 30);
        try (VerifiedChannel warmup = VerifiedChannel.open(file, expected, FsVerityParameters.DEFAULT, cache)) {
            readAll(warmup);
        }
        ExecutorService none = Executors.newSingleThreadExecutor();
        Map<String, Pass> passes = new LinkedHashMap<>();
        if (tool) {
            passes.put("fsverity digest (fsverity-utils, process)", () -> check(expected, toolDigest(file)));
        }
        passes.put("our digest, 1 thread", () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return check(expected, FsVerityHasher.digest(ch, "f", FsVerityParameters.DEFAULT, none, 1).toString());
            }
        });
        passes.put("our digest, " + cores + " threads", () -> check(expected, FsVerityHasher.digest(file).toString()));
        passes.put("plain FileChannel read", () -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                return readAll(ch);
            }
        });
        passes.put("verified read, first open (tree built at open)", () -> {
            try (VerifiedChannel ch = VerifiedChannel.open(file, expected)) {
                return readAll(ch);
            }
        });
        passes.put("verified read, tree cached", () -> {
            try (VerifiedChannel ch = VerifiedChannel.open(file, expected, FsVerityParameters.DEFAULT, cache)) {
                return readAll(ch);
            }
        });
        Map<String, double[]> seconds = new LinkedHashMap<>();
        passes.keySet().forEach(k -> seconds.put(k, new double[rounds]));
        for (Pass p : passes.values()) {
            p.run();
        }
        for (int r = 0; r < rounds; r++) {
            for (Map.Entry<String, Pass> e : passes.entrySet()) {
                long t0 = System.nanoTime();
                e.getValue().run();
                seconds.get(e.getKey())[r] = (System.nanoTime() - t0) / 1e9;
            }
        }
        none.shutdown();
        String parallel = "our digest, " + cores + " threads";
        String plain = "plain FileChannel read";
        String[][] ratios = {
            {"fs-verity digest, one thread", "our digest, 1 thread", "fsverity digest (fsverity-utils, process)"},
            {"fs-verity digest, all cores", parallel, "fsverity digest (fsverity-utils, process)"},
            {"verified read (VerifiedChannel)", "verified read, first open (tree built at open)", "fsverity digest (fsverity-utils, process)"},
            {"verified read (VerifiedChannel)", "verified read, tree cached", plain},
        };
        for (String[] r : ratios) {
            if (seconds.containsKey(r[2])) {
                // The key names the parallel contender by role, not by this machine's core count.
                log.add(r[0], r[1].equals(parallel) ? "our digest, all cores" : r[1], r[2], seconds.get(r[1]), seconds.get(r[2]));
            }
        }
        String base = tool ? "fsverity digest (fsverity-utils, process)" : "our digest, 1 thread";
        double baseMedian = Stats.median(seconds.get(base));
        double plainMedian = Stats.median(seconds.get("plain FileChannel read"));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "fs-verity throughput: %d MiB file (page cache), %d rounds, %d cores, %s %s%n%n",
                size >> 20, rounds, cores, System.getProperty("java.vm.name"), System.getProperty("java.version")));
        sb.append("| contender | median MiB/s | time vs `").append(base.replace(" (fsverity-utils, process)", ""))
                .append("` | time vs plain read |\n| --- | ---: | ---: | ---: |\n");
        for (Map.Entry<String, double[]> e : seconds.entrySet()) {
            double m = Stats.median(e.getValue());
            sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.2f | %.2f |%n", e.getKey(), size / m / (1 << 20),
                    m / baseMedian, m / plainMedian));
        }
        return sb.toString();
    }

    private static Object check(FsVerityDigest expected, String got) {
        if (!expected.toString().equals(got)) {
            throw new IllegalStateException("digest mismatch: " + got + " != " + expected);
        }
        return got;
    }

    private static long readAll(java.nio.channels.ReadableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256 * 1024);
        long sum = 0;
        while (ch.read(b.clear()) >= 0) {
            sum += b.position() > 0 ? b.get(0) : 0;
        }
        return sum;
    }

    /** {@code fsverity digest FILE}'s digest, or null if the tool is not installed. */
    private static String toolDigest(Path file) throws InterruptedException {
        try {
            List<String> cmd = new ArrayList<>(List.of("fsverity", "digest", "--compact", file.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            return p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0 ? "sha256:" + out : null;
        } catch (IOException e) {
            return null;
        }
    }
}
