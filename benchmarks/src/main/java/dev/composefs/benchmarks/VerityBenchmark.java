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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * JMH: fs-verity digest and verified-read cost per file, against a plain read of the same file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class VerityBenchmark {
    @Param({"67108864"})
    public long size;

    private Path file;
    private FsVerityDigest digest;
    private MerkleTreeCache cache;
    private ExecutorService single;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = Files.createTempFile("verity-jmh", ".bin");
        SplittableRandom r = new SplittableRandom(2);
        byte[] buf = new byte[1 << 20];
        try (OutputStream o = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buf.length) {
                for (int i = 0; i < buf.length; i++) {
                    buf[i] = (byte) r.nextInt();
                }
                o.write(buf, 0, (int) Math.min(left, buf.length));
            }
        }
        digest = FsVerityHasher.digest(file);
        cache = MerkleTreeCache.inMemory(1L << 30);
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, cache)) {
            drain(ch);
        }
        single = Executors.newSingleThreadExecutor();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        single.shutdown();
        Files.deleteIfExists(file);
    }

    @Benchmark
    public FsVerityDigest digestOneThread() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return FsVerityHasher.digest(ch, "f", FsVerityParameters.DEFAULT, single, 1);
        }
    }

    @Benchmark
    public FsVerityDigest digestAllCores() throws IOException {
        return FsVerityHasher.digest(file);
    }

    @Benchmark
    public long plainRead() throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return drain(ch);
        }
    }

    @Benchmark
    public long verifiedReadFirstOpen() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest)) {
            return drain(ch);
        }
    }

    @Benchmark
    public long verifiedReadTreeCached() throws IOException {
        try (VerifiedChannel ch = VerifiedChannel.open(file, digest, FsVerityParameters.DEFAULT, cache)) {
            return drain(ch);
        }
    }

    private static long drain(java.nio.channels.ReadableByteChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256 * 1024);
        long n = 0;
        for (int r; (r = ch.read(b.clear())) >= 0; ) {
            n += r;
        }
        return n;
    }
}
