package dev.composefs.verity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsVerityHasherTest {
    @TempDir
    static Path dir;
    private static final Map<Long, Path> FILES = new HashMap<>();
    private static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    /** A file of {@code size} random bytes, made once per size. */
    static synchronized Path file(long size) throws IOException {
        Path f = FILES.get(size);
        if (f == null) {
            f = dir.resolve("data-" + size);
            Random r = new Random(size);
            byte[] buf = new byte[1 << 20];
            try (var out = Files.newOutputStream(f)) {
                for (long left = size; left > 0; left -= buf.length) {
                    r.nextBytes(buf);
                    out.write(buf, 0, (int) Math.min(left, buf.length));
                }
            }
            FILES.put(size, f);
        }
        return f;
    }

    @Test
    void knownAnswers() {
        byte[] hello = "hello world".getBytes(StandardCharsets.US_ASCII);
        assertEquals("sha256:1e2eaa4202d750a41174ee454970b92c1bc2f925b1e35076d8c7d5f56362ba64",
                FsVerityHasher.digest(hello).toString());
        assertEquals("sha512:18430270729d162d4e469daca123ae61893db4b0583d8f7081e3bf4f92b88ba5"
                        + "14e7982f10733fb6aa895195c5ae8fd2eb2c47a8be05513ce5a0c51a6f570409",
                new FsVerityHasher(FsVerityParameters.of(FsVerityAlgorithm.SHA512, 4096)).update(hello).digest().toString());
        // The empty file's root hash is all zeros (not the hash of a zero block).
        assertEquals("sha256:3d248ca542a24fc62d1c43b916eae5016878e2533c88238480b26128a1f1af95",
                FsVerityHasher.digest(new byte[0]).toString());
    }

    /** Sizes around each tree-shape boundary of {@code params}, up to {@code max}. */
    static List<Long> boundarySizes(FsVerityParameters params, long max) {
        long b = params.blockSize();
        long h = params.hashesPerBlock();
        TreeSet<Long> sizes = new TreeSet<>(List.of(0L, 1L, b - 1, b, b + 1, 2 * b + 7));
        for (long level = b * h; level <= max && level > 0; level *= h) {
            sizes.addAll(List.of(level - 1, level, level + 1));
        }
        sizes.removeIf(s -> s > max);
        return new ArrayList<>(sizes);
    }

    static List<FsVerityParameters> allParameters() {
        List<FsVerityParameters> all = new ArrayList<>();
        byte[][] salts = {new byte[0], {(byte) 0xab}, new byte[32]};
        new Random(1).nextBytes(salts[2]);
        for (FsVerityAlgorithm alg : FsVerityAlgorithm.values()) {
            for (int bs = 1024; bs <= 65536; bs *= 2) {
                for (byte[] salt : salts) {
                    all.add(FsVerityParameters.of(alg, bs, salt));
                }
            }
        }
        return all;
    }

    @Test
    void equalsFsverityForEveryAlgorithmBlockSizeAndSalt() throws IOException {
        assumeTrue(FsVerityTool.available(), "fsverity (fsverity-utils) not installed");
        int compared = 0;
        for (FsVerityParameters params : allParameters()) {
            for (long size : boundarySizes(params, 4 << 20)) {
                Path f = file(size);
                String expected = FsVerityTool.digest(f, params, null, null);
                assertEquals(expected, FsVerityHasher.digest(f, params).toString(), params + " size " + size);
                compared++;
            }
        }
        assertEquals(true, compared > 300, "compared " + compared);
    }

    @Test
    void descriptorAndTreeEqualFsverityOutputs() throws IOException {
        assumeTrue(FsVerityTool.available(), "fsverity (fsverity-utils) not installed");
        for (FsVerityParameters params : allParameters()) {
            for (long size : List.of(0L, 1L, (long) params.blockSize(), 3L * params.blockSize() + 5,
                    (long) params.blockSize() * params.hashesPerBlock() + 1)) {
                if (size > 8 << 20) {
                    continue;
                }
                Path f = file(size);
                Path desc = dir.resolve("desc");
                Path tree = dir.resolve("tree");
                FsVerityTool.digest(f, params, desc, tree);
                MerkleTree ours = MerkleTree.build(f, params);
                assertArrayEquals(Files.readAllBytes(desc), ours.descriptor(), params + " size " + size);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ours.writeTo(out);
                assertArrayEquals(Files.readAllBytes(tree), out.toByteArray(), params + " size " + size);
                assertEquals(Files.size(tree), ours.size());
            }
        }
    }

    @Test
    void twoLevelsUpAndMultiMegabyteFilesEqualFsverity() throws IOException {
        assumeTrue(FsVerityTool.available(), "fsverity (fsverity-utils) not installed");
        FsVerityParameters p = FsVerityParameters.DEFAULT;
        // 4096 * 128 * 128 + 1 bytes: the first size whose tree has three levels.
        for (long size : List.of(3_000_017L, 4096L * 128 * 128 + 1)) {
            Path f = file(size);
            String expected = FsVerityTool.digest(f, p, null, null);
            assertEquals(expected, FsVerityHasher.digest(f).toString());
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertEquals(expected, FsVerityHasher.digest(ch, "f", p, pool, 4).toString());
                assertEquals(expected, FsVerityHasher.digest(ch, "f", p, pool, 1).toString());
            }
            try (var in = Files.newInputStream(f)) {
                assertEquals(expected, FsVerityHasher.digest(in, p).toString());
            }
        }
    }

    @Test
    void inputStreamAndByteArrayAgree() throws IOException {
        byte[] data = new byte[100_000];
        new Random(7).nextBytes(data);
        FsVerityParameters p = FsVerityParameters.of(FsVerityAlgorithm.SHA512, 1024, new byte[] {1, 2, 3});
        assertEquals(new FsVerityHasher(p).update(data).digest(),
                FsVerityHasher.digest(new ByteArrayInputStream(data), p));
    }
}
