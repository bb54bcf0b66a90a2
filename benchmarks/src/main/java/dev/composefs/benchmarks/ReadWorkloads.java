package dev.composefs.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * The reading work the read benchmarks time, the same for every store: whole files through
 * {@link Files#newByteChannel}, into one reused buffer, so every provider does the same calls.
 */
final class ReadWorkloads {
    private static final int BUFFER = 256 << 10;

    private ReadWorkloads() {
    }

    /** Opens {@code image} as a {@code cfs:} file system over the object store {@code objects}. */
    static FileSystem openCfs(Path image, Path objects, String verity) throws IOException {
        return FileSystems.newFileSystem(image, Map.of("basedir", objects, "verity", verity));
    }

    /** Opens {@code zip} with zipfs. */
    static FileSystem openZip(Path zip) throws IOException {
        return FileSystems.newFileSystem(URI.create("jar:" + zip.toUri()), Map.of());
    }

    /** Reads every regular file under {@code root} to its end; returns the bytes read. */
    static long readEveryFile(Path root) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER);
        long[] total = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    total[0] += read(file, buf);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    /** Reads {@code file} to its end; returns the bytes read. */
    static long readFile(Path file) throws IOException {
        return read(file, ByteBuffer.allocate(BUFFER));
    }

    private static long read(Path file, ByteBuffer buf) throws IOException {
        long n = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            for (int r; (r = ch.read(buf.clear())) >= 0; ) {
                n += r;
            }
        }
        return n;
    }
}
