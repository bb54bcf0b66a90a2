package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
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
 * JMH: {@code mkcomposefs --from-file} (dump parsed, image written to memory) and
 * {@code composefs-info dump} (image opened, read into a tree, dump written) in-process, for each
 * image {@code format}. The descriptor format holds no inline content, so its input dump is the
 * original with inline content moved to an object store, as {@code mkcomposefs --digest-store} does.
 * System property {@code composefs.bench.dump}: the dump file (default cs9-x86_64-developer under
 * {@code ../shared}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FormatBenchmark {
    @Param({"erofs", "descriptor"})
    public String format;

    private Path work;
    private Path dump;
    private Path image;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path original = Path.of(System.getProperty("composefs.bench.dump",
                "../shared/testdata/upstream-assets/cs9-x86_64-developer.dump.gz"));
        work = Files.createTempDirectory("format-jmh");
        Tree tree = DumpReader.strict().read(original);
        image = work.resolve("image");
        if (format.equals("erofs")) {
            dump = original;
            new ErofsWriter().write(tree, image);
        } else {
            ObjectStore.open(work.resolve("objects")).storeInlineContent(tree);
            dump = work.resolve("descriptor.dump");
            DumpWriter.write(tree, dump);
            DescriptorWriter.write(tree, image);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        FormatComparison.deleteTree(work);
    }

    /** {@code mkcomposefs --from-file}: parse the dump and write the image (to memory). */
    @Benchmark
    public int mkcomposefsFromFile() throws IOException {
        Tree tree = DumpReader.strict().read(dump);
        return format.equals("erofs") ? new ErofsWriter().toBytes(tree).length : DescriptorWriter.toBytes(tree).length;
    }

    /** {@code composefs-info dump}: open the image, read its tree, write the dump (discarded). */
    @Benchmark
    public Object composefsInfoDump() throws IOException {
        try (Image i = Image.open(image)) {
            OutputStream out = OutputStream.nullOutputStream();
            DumpWriter.write(ImageTree.read(i), out);
            return out;
        }
    }
}
