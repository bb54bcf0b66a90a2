package dev.composefs.verity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/** Streaming in any chunking, one-shot and parallel hashing give the same digest and tree. */
class HashingPropertiesTest {
    private static ExecutorService pool;

    @BeforeContainer
    static void start() {
        pool = Executors.newFixedThreadPool(3);
    }

    @AfterContainer
    static void stop() {
        pool.shutdownNow();
    }

    @Provide
    Arbitrary<FsVerityParameters> params() {
        return Combinators.combine(
                Arbitraries.of(FsVerityAlgorithm.values()),
                Arbitraries.of(1024, 2048, 4096, 65536),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(32)).as(FsVerityParameters::of);
    }

    @Provide
    Arbitrary<byte[]> data() {
        // Lengths cluster at block and level boundaries, where the tree changes shape.
        Arbitrary<Integer> sizes = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 300_000),
                Arbitraries.of(0, 1, 1023, 1024, 1025, 4095, 4096, 4097, 16 * 1024, 16 * 1024 + 1,
                        131_072, 131_073, 262_144, 262_145));
        return sizes.flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
    }

    @Property(tries = 60)
    void streamingOneShotAndParallelAgree(@ForAll("params") FsVerityParameters p, @ForAll("data") byte[] data,
                                          @ForAll("chunks") List<Integer> chunks) throws IOException {
        FsVerityDigest oneShot = new FsVerityHasher(p).update(data).digest();

        FsVerityHasher streaming = new FsVerityHasher(p);
        int off = 0;
        for (int i = 0; off < data.length; i++) {
            int n = Math.min(chunks.get(i % chunks.size()), data.length - off);
            if (i % 3 == 0) {
                streaming.update(ByteBuffer.wrap(data, off, n).asReadOnlyBuffer());
            } else {
                streaming.update(data, off, n);
            }
            off += n;
        }
        assertEquals(oneShot, streaming.digest());

        Path f = Files.createTempFile("hashprop", ".bin");
        try {
            Files.write(f, data);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                assertEquals(oneShot, FsVerityHasher.digest(ch, "f", p, pool, 3));
                assertEquals(oneShot, MerkleTree.build(ch, "f", p, pool, 2).digest());
            }
        } finally {
            Files.delete(f);
        }

        FsVerityHasher keeping = new FsVerityHasher(p, true);
        MerkleTree tree = keeping.update(data).tree();
        assertEquals(oneShot, tree.digest());
        java.io.ByteArrayOutputStream leaves = new java.io.ByteArrayOutputStream();
        tree.writeLeafHashes(leaves);
        assertEquals(oneShot, MerkleTree.fromLeafHashes(p, data.length, leaves.toByteArray()).digest());
    }

    @Provide
    Arbitrary<List<Integer>> chunks() {
        return Arbitraries.integers().between(1, 70_000).list().ofMinSize(1).ofMaxSize(8);
    }
}
