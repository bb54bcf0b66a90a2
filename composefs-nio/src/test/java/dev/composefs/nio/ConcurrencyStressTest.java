package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedDirectoryStreamException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file system, 16 threads: walkers stat every entry of a real tree, readers read verified files
 * through channels and streams, and the file system is closed under them. Before the close every
 * result is right; after it, only the documented closed-state exceptions appear; nothing deadlocks.
 */
class ConcurrencyStressTest {
    private static final int THREADS = 16;

    @TempDir
    Path dir;

    /**
     * Whether {@code t} is what a call may throw once the file system is closed: the closed-state
     * exceptions, or a short walk, since a directory stream closed with the file system ends its
     * iteration as if exhausted (the {@code DirectoryStream} contract).
     */
    private static boolean closedState(Throwable t) {
        if (t instanceof AssertionError && String.valueOf(t.getMessage()).startsWith("entries walked")) {
            return true;
        }
        while (t instanceof UncheckedIOException || t instanceof DirectoryIteratorException) {
            t = t.getCause();
        }
        // A walk that opened a directory stream just before the close finds it closed with the file system.
        return t instanceof ClosedFileSystemException || t instanceof ClosedChannelException
                || t instanceof AsynchronousCloseException || t instanceof ClosedDirectoryStreamException;
    }

    @Test
    void manyThreadsThenCloseUnderThem() throws Exception {
        Path asset = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", "cs9-x86_64-minimal.dump.gz");
        Tree tree = DumpReader.strict().read(asset);
        ObjectStore store = ObjectStore.open(dir.resolve("objects"));
        Inode data = new Inode(0040755);
        List<byte[]> contents = new ArrayList<>();
        Random r = new Random(11);
        for (int i = 0; i < 8; i++) {
            byte[] c = new byte[1000 + r.nextInt(300_000)];
            r.nextBytes(c);
            contents.add(c);
            FsVerityDigest d = store.put(c);
            data.addChild(Name.of("f" + i), new Inode(0100644).size(c.length).digest(d)
                    .payload(d.objectPath().getBytes(StandardCharsets.US_ASCII)));
        }
        tree.root().addChild(Name.of("stress-data"), data);
        int[] entries = {0};
        tree.walk((p, i) -> entries[0]++);
        Path image = dir.resolve("stress.erofs");
        new ErofsWriter().write(tree, image);

        FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", store.root(), "verity", "require"));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicBoolean closed = new AtomicBoolean();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        CountDownLatch firstRound = new CountDownLatch(THREADS);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                boolean counted = false;
                for (int round = 0; round < 1000 && !Thread.currentThread().isInterrupted(); round++) {
                    try {
                        if (id % 2 == 0) {
                            long n;
                            try (Stream<Path> s = Files.walk(fs.getPath("/"))) {
                                n = s.peek(p -> {
                                    try {
                                        Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions();
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                }).count();
                            }
                            assertEquals(entries[0], n, "entries walked");
                        } else {
                            int f = (id + round) % contents.size();
                            Path p = fs.getPath("/stress-data/f" + f);
                            if (round % 2 == 0) {
                                try (InputStream in = Files.newInputStream(p)) {
                                    assertArrayEquals(contents.get(f), in.readAllBytes());
                                }
                            } else {
                                try (SeekableByteChannel ch = Files.newByteChannel(p)) {
                                    ByteBuffer b = ByteBuffer.allocate(contents.get(f).length);
                                    while (b.hasRemaining() && ch.read(b) >= 0) {
                                        // read it all
                                    }
                                    assertArrayEquals(contents.get(f), b.array());
                                }
                            }
                        }
                    } catch (Throwable e) {
                        if (!(closed.get() && closedState(e))) {
                            unexpected.add(e);
                        }
                        if (closed.get()) {
                            break;
                        }
                    }
                    if (!counted) {
                        firstRound.countDown();
                        counted = true;
                    }
                }
                return null;
            }));
        }
        assertTrue(firstRound.await(120, TimeUnit.SECONDS), "every thread finished a round before the close");
        closed.set(true);
        fs.close();
        pool.shutdown();
        assertTrue(pool.awaitTermination(120, TimeUnit.SECONDS), "no thread hangs after close");
        for (Future<?> f : futures) {
            f.get();
        }
        if (!unexpected.isEmpty()) {
            AssertionError e = new AssertionError(unexpected.size() + " unexpected exceptions, first: " + unexpected.peek());
            unexpected.forEach(e::addSuppressed);
            throw e;
        }
        assertTrue(!fs.isOpen());
        assertTrue(Files.exists(image));
    }
}
