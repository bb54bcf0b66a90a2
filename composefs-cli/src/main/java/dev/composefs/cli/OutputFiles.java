package dev.composefs.cli;

import dev.composefs.format.store.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

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
        AtomicFiles.write(target, content::writeTo);
    }
}
