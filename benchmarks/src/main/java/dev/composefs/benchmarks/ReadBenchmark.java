package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: reading every regular file of a real tree with synthetic content ({@link ContentFixtures}),
 * for each store: {@code disk} (default provider), {@code zip} (zipfs, stored entries),
 * {@code descriptor} and {@code erofs} ({@code cfs:} over a basedir object store, digests checked).
 * zipfs and {@code cfs:} file systems are opened and closed by each operation, so every file is
 * verified each time. System properties: {@code composefs.bench.dump} (the dump file, default the
 * cs9-x86_64-minimal one under {@code ../shared}) and {@code composefs.bench.work} (the fixtures'
 * directory, default {@code benchmarks/work}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadBenchmark {
    @Param({"disk", "zip", "descriptor", "erofs"})
    public String store;

    private ContentFixtures f;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path dump = Path.of(System.getProperty("composefs.bench.dump",
                "../shared/testdata/upstream-assets/cs9-x86_64-minimal.dump.gz"));
        Path work = Path.of(System.getProperty("composefs.bench.work", "benchmarks/work"));
        f = ContentFixtures.of(dump, work.resolve(dump.getFileName() + "-content"));
    }

    /** Reads every regular file of the tree to its end. */
    @Benchmark
    public long readEveryFile() throws IOException {
        if (store.equals("disk")) {
            return ReadWorkloads.readEveryFile(f.dir);
        }
        try (FileSystem fs = switch (store) {
            case "zip" -> ReadWorkloads.openZip(f.zip);
            case "descriptor" -> ReadWorkloads.openCfs(f.descriptor, f.objects, "if-present");
            case "erofs" -> ReadWorkloads.openCfs(f.erofs, f.objects, "if-present");
            default -> throw new IllegalArgumentException(store);
        }) {
            return ReadWorkloads.readEveryFile(fs.getPath("/"));
        }
    }
}
