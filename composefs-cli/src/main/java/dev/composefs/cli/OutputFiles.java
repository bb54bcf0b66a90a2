package dev.composefs.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a tool's output file the safe way: into a temporary file beside it, renamed into place
 * once complete, so a reader never sees a half-written signature, tree or image.
 */
final class OutputFiles {
    /** Produces a file's content. */
    @FunctionalInterface
    interface Content {
        /** Writes the whole content to {@code out}. */
        void writeTo(OutputStream out) throws IOException;
    }

    private OutputFiles() {
    }

    /** Writes {@code bytes} to {@code target}, replacing it atomically. */
    static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Writes {@code content} to {@code target}, replacing it atomically; on failure the target is
     * untouched and the temporary file removed. Errors name {@code target}, not the temporary file.
     */
    static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path tmp;
        try {
            tmp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(target.toString());
        } catch (AccessDeniedException e) {
            throw new AccessDeniedException(target.toString());
        }
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                content.writeTo(out);
            }
            // Temporary files are created private; give the output the usual rw-r--r--.
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }
}
