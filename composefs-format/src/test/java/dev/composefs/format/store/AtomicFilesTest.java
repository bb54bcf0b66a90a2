package dev.composefs.format.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer that dies at any point — an I/O error, a runtime exception or an error injected after
 * every chunk written — leaves the previous file under the final name and no temporary file behind.
 */
class AtomicFilesTest {
    @TempDir
    Path dir;

    private static final class Injected extends IOException {
        private static final long serialVersionUID = 1L;

        Injected() {
            super("injected failure");
        }
    }

    @Test
    void aWriterKilledAtAnyWriteLeavesTheOldFileAndNoTemporaryFile() throws Exception {
        Path asset = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", "special.dump");
        byte[] image = new ErofsWriter().toBytes(DumpReader.strict().read(asset));
        byte[] old = "the previous image".getBytes();
        Path target = dir.resolve("image.cfs");
        Files.write(target, old);
        int chunk = 512;
        int chunks = (image.length + chunk - 1) / chunk;
        for (int failAt = 0; failAt <= chunks; failAt++) {
            for (int kind = 0; kind < 3; kind++) {
                int stopAfter = failAt;
                int how = kind;
                Class<? extends Throwable> expected = how == 0 ? Injected.class : how == 1 ? IllegalStateException.class
                        : OutOfMemoryError.class;
                assertThrows(expected, () -> AtomicFiles.write(target, out -> {
                    for (int c = 0; c < chunks; c++) {
                        if (c == stopAfter) {
                            fail(how);
                        }
                        out.write(image, c * chunk, Math.min(chunk, image.length - c * chunk));
                    }
                    fail(how);
                }));
                assertArrayEquals(old, Files.readAllBytes(target), "after a failure at chunk " + failAt);
                try (var s = Files.list(dir)) {
                    assertEquals(List.of(target), s.toList(), "no temporary file left after a failure at chunk " + failAt);
                }
            }
        }
        AtomicFiles.write(target, out -> out.write(image));
        assertArrayEquals(image, Files.readAllBytes(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    private static void fail(int how) throws IOException {
        switch (how) {
            case 0 -> throw new Injected();
            case 1 -> throw new IllegalStateException("injected failure");
            default -> throw new OutOfMemoryError("injected failure");
        }
    }
}
