package dev.composefs.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
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
 * JMH: the java.nio operations of a tree, for each store of the same tree: {@code disk} (the default
 * provider on the materialized tree), {@code zip} (zipfs), {@code descriptor} and {@code erofs}
 * ({@code cfs:} images). Needs the fixtures {@code benchmarks/run} builds under
 * {@code benchmarks/work/<tree>} (system property {@code composefs.bench.work}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class NioBenchmark {
    @Param({"disk", "zip", "descriptor", "erofs"})
    public String store;

    private Path work;
    private FileSystem fs;
    private Path root;
    private String deepPath;
    private Path largeDirectory;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        work = Path.of(System.getProperty("composefs.bench.work", "benchmarks/work/cs9-x86_64-minimal"));
        Path tree = work.resolve("tree");
        switch (store) {
            case "disk" -> {
                fs = null;
                root = tree;
            }
            case "zip" -> fs = FileSystems.newFileSystem(URI.create("jar:" + work.resolve("tree.zip").toUri()),
                    Map.of("enablePosixFileAttributes", "true"));
            case "descriptor" -> fs = FileSystems.newFileSystem(work.resolve("tree.desc"), Map.of());
            case "erofs" -> fs = FileSystems.newFileSystem(work.resolve("tree.erofs"), Map.of());
            default -> throw new IllegalArgumentException(store);
        }
        if (fs != null) {
            root = fs.getPath("/");
        }
        deepPath = root.resolve("usr/share/doc").toString();
        largeDirectory = root.resolve("usr/bin");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (fs != null) {
            fs.close();
        }
    }

    /** Open and close the store (nothing to open for the disk). */
    @Benchmark
    public Object open() throws IOException {
        return switch (store) {
            case "zip" -> {
                // By Path: zipfs is asked first, and a Path-opened zip file system is not registered, so it
                // does not collide with the one setUp opened by URI.
                try (FileSystem z = FileSystems.newFileSystem(work.resolve("tree.zip"), Map.of())) {
                    yield z.getRootDirectories();
                }
            }
            case "descriptor", "erofs" -> {
                // Through the provider's URI: FileSystems.newFileSystem(Path) first lets zipfs look for a
                // zip directory at the end of the image, which costs more than the open itself.
                try (FileSystem c = FileSystems.newFileSystem(URI.create("cfs:" + work.resolve(store.equals("erofs")
                        ? "tree.erofs" : "tree.desc").toUri()), Map.of())) {
                    yield c.getRootDirectories();
                }
            }
            default -> root;
        };
    }

    /** Parse and resolve a path three names deep, and read its attributes. */
    @Benchmark
    public long lookup() throws IOException {
        Path p = root.getFileSystem().getPath(deepPath);
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    }

    /** List one large directory ({@code /usr/bin}). */
    @Benchmark
    public int listLargeDirectory() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(largeDirectory)) {
            for (Path p : s) {
                n += p.getNameCount();
            }
        }
        return n;
    }

    /** {@code ls -lR}: the whole tree with POSIX attributes. */
    @Benchmark
    public long walk() throws IOException {
        return WalkComparison.lsLR(root);
    }
}
