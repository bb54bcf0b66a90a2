package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --key=value} arguments of a comparison harness, and where its report goes: printed, and
 * written to {@code --out} if given; and where its ratios go ({@code --ratios}, see {@link RatioLog}).
 */
final class HarnessArgs {
    private final Map<String, String> values = new HashMap<>();

    /**
     * @throws IllegalArgumentException for an argument not of the form {@code --key=value} or whose key
     *                                  is not in {@code known}
     */
    HarnessArgs(String[] args, Set<String> known) {
        for (String a : args) {
            int eq = a.indexOf('=');
            String key = a.startsWith("--") && eq > 2 ? a.substring(2, eq) : null;
            if (key == null || !(known.contains(key) || key.equals("out") || key.equals("ratios"))) {
                throw new IllegalArgumentException("unknown argument: " + a + " (expected --key=value, keys " + known
                        + ", out, ratios)");
            }
            values.put(key, a.substring(eq + 1));
        }
    }

    Path path(String key) {
        String v = values.get(key);
        return v == null ? null : Path.of(v);
    }

    Path requiredPath(String key) {
        Path p = path(key);
        if (p == null) {
            throw new IllegalArgumentException("--" + key + "=... is required");
        }
        return p;
    }

    int integer(String key, int defaultValue) {
        String v = values.get(key);
        return v == null ? defaultValue : Integer.parseInt(v);
    }

    String string(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /** The ratio log of {@code --ratios}, or one that records nothing. */
    RatioLog ratios() {
        return new RatioLog(path("ratios"));
    }

    /** Prints {@code report} and writes it to {@code --out}, if given. */
    void report(String report) throws IOException {
        System.out.print(report);
        Path out = path("out");
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, report);
        }
    }
}
