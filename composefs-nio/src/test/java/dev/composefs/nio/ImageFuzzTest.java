package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Structure-aware fuzzing of the whole read stack through the provider: valid images of both formats
 * (from the upstream assets) are damaged (bit flips, 32-bit fields overwritten with boundary values,
 * blocks copied over others, truncation), opened as {@code cfs:} file systems and explored: every
 * entry walked, its attributes, xattrs and symlink target read, files opened and read. The property:
 * only {@link IOException}s (and the java.nio exceptions wrapping them) come out, and every input
 * finishes.
 *
 * <p>A short run is part of the tests; {@code -Dcomposefs.fuzz.iterations=N} makes a long one (see
 * FUZZING.md). Seeds come from {@code -Dcomposefs.fuzz.seed} (default fixed), so failures reproduce.
 */
class ImageFuzzTest {
    private static final int[] BOUNDARY = {0, 1, 0x7f, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 4096, 4095, 32, 96};

    private static final CfsFileSystemProvider PROVIDER = new CfsFileSystemProvider();

    @TempDir
    Path dir;

    private static List<byte[]> seeds() throws IOException {
        Path assets = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets");
        List<byte[]> images = new ArrayList<>();
        for (String name : List.of("special.dump", "longlink.dump", "bigfile-xattr.dump", "honggfuzz-long-symlink.dump")) {
            Tree t = (name.equals("longlink.dump") ? DumpReader.lenient() : DumpReader.strict()).read(assets.resolve(name));
            images.add(new ErofsWriter().toBytes(t));
        }
        Tree small = DumpReader.strict().read(assets.resolve("special.dump"));
        images.add(new ErofsWriter().toBytes(small));
        for (String name : List.of("honggfuzz-long-symlink.dump", "longlink.dump")) {
            Tree t = (name.equals("longlink.dump") ? DumpReader.lenient() : DumpReader.strict()).read(assets.resolve(name));
            try {
                images.add(DescriptorWriter.toBytes(t));
            } catch (IllegalArgumentException e) {
                // not every tree fits a descriptor; the others seed it
            }
        }
        images.add(DescriptorWriter.toBytes(SampleTrees.descriptorSample()));
        return images;
    }

    /** One damaged copy of {@code image}. */
    static byte[] mutate(byte[] image, SplittableRandom r) {
        byte[] b = image.clone();
        int kind = r.nextInt(5);
        int n = 1 + r.nextInt(4);
        for (int i = 0; i < n; i++) {
            switch (kind) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    int at = r.nextInt(Math.max(1, b.length - 4)) & ~3;
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, BOUNDARY[r.nextInt(BOUNDARY.length)]);
                }
                case 2 -> {
                    int len = 1 + r.nextInt(64);
                    int from = r.nextInt(Math.max(1, b.length - len));
                    int to = r.nextInt(Math.max(1, b.length - len));
                    System.arraycopy(b, from, b, to, Math.min(len, b.length - Math.max(from, to)));
                }
                case 3 -> b[r.nextInt(Math.min(b.length, 1200))] = (byte) r.nextInt(256);
                default -> {
                    return java.util.Arrays.copyOf(b, r.nextInt(b.length));
                }
            }
        }
        return b;
    }

    /** Explores everything a damaged image offers; throws only IOExceptions (possibly wrapped by java.nio). */
    static void explore(Path image, Path basedir) throws IOException {
        FileSystem fs;
        try {
            fs = PROVIDER.newFileSystem(image, Map.of("basedir", basedir));
        } catch (UnsupportedOperationException e) {
            // not recognised as an image: the provider lets others try, as FileSystems requires
            return;
        }
        try (fs) {
            List<Path> todo = new ArrayList<>(List.of(fs.getPath("/")));
            int visited = 0;
            while (!todo.isEmpty() && visited++ < 100_000) {
                Path p = todo.remove(todo.size() - 1);
                try {
                    Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
                    Files.readAttributes(p, "xattr:*", LinkOption.NOFOLLOW_LINKS);
                    Files.readAttributes(p, "composefs:*", LinkOption.NOFOLLOW_LINKS);
                    if (Files.isSymbolicLink(p)) {
                        Files.readSymbolicLink(p);
                        p.toRealPath();
                    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        try (DirectoryStream<Path> s = Files.newDirectoryStream(p)) {
                            for (Path c : s) {
                                todo.add(c);
                            }
                        }
                    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                        try (InputStream in = Files.newInputStream(p)) {
                            in.readNBytes(1 << 16);
                        }
                    }
                } catch (IOException e) {
                    // the property allows I/O errors for damaged images
                } catch (DirectoryIteratorException e) {
                    if (e.getCause() == null) {
                        throw e;
                    }
                } catch (UncheckedIOException e) {
                    if (e.getCause() == null) {
                        throw e;
                    }
                }
            }
        }
    }

    @Test
    void damagedImagesOnlyEverGiveIOExceptions() throws Exception {
        int iterations = Integer.getInteger("composefs.fuzz.iterations", 1500);
        long seed = Long.getLong("composefs.fuzz.seed", 20261127L);
        List<byte[]> seeds = seeds();
        Path basedir = Files.createDirectory(dir.resolve("objects"));
        Path image = dir.resolve("fuzz.img");
        SplittableRandom r = new SplittableRandom(seed);
        Duration budget = Duration.ofSeconds(Math.max(120, iterations / 20));
        assertTimeoutPreemptively(budget, () -> {
            for (int i = 0; i < iterations; i++) {
                byte[] input = mutate(seeds.get(r.nextInt(seeds.size())), r);
                Files.write(image, input);
                try {
                    explore(image, basedir);
                } catch (IOException e) {
                    // refused at open: fine
                } catch (RuntimeException | Error e) {
                    Path kept = dir.resolveSibling("fuzz-failure-" + seed + "-" + i + ".img");
                    Files.write(kept, input);
                    throw new AssertionError("input " + i + " (seed " + seed + ", kept as " + kept + ") threw " + e, e);
                }
            }
        }, "fuzzing must not hang");
        System.out.println("fuzzed " + iterations + " damaged images (seed " + seed + ")");
    }
}
