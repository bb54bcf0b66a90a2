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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: reading one large file ({@link LargeFileFixture}) whole, by reader: {@code plain} (a
 * {@code FileChannel} on the object in the store), {@code zip} (a stored zipfs entry),
 * {@code cfsFirstOpen} ({@code cfs:} opened for the read, so the Merkle tree is built),
 * {@code cfsCached} ({@code cfs:} kept open, tree cached) and {@code cfsUnverified}
 * ({@code verity=none}). System properties: {@code composefs.bench.work} (default
 * {@code benchmarks/work}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LargeReadBenchmark {
    @Param({"plain", "zip", "cfsFirstOpen", "cfsCached", "cfsUnverified"})
    public String reader;

    @Param({"268435456"})
    public long size;

    private LargeFileFixture f;
    private FileSystem fs;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path work = Path.of(System.getProperty("composefs.bench.work", "benchmarks/work"));
        f = LargeFileFixture.of(work.resolve("large-" + (size >> 20) + "m"), size);
        fs = switch (reader) {
            case "zip" -> ReadWorkloads.openZip(f.zip);
            case "cfsCached" -> ReadWorkloads.openCfs(f.descriptor, f.objects, "if-present");
            case "cfsUnverified" -> ReadWorkloads.openCfs(f.descriptor, f.objects, "none");
            default -> null;
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (fs != null) {
            fs.close();
        }
    }

    /** Reads the file to its end. */
    @Benchmark
    public long read() throws IOException {
        String path = "/" + LargeFileFixture.NAME;
        return switch (reader) {
            case "plain" -> ReadWorkloads.readFile(f.object);
            case "cfsFirstOpen" -> {
                try (FileSystem c = ReadWorkloads.openCfs(f.descriptor, f.objects, "if-present")) {
                    yield ReadWorkloads.readFile(c.getPath(path));
                }
            }
            default -> ReadWorkloads.readFile(fs.getPath(path));
        };
    }
}
