package dev.composefs.format.image;

import java.io.IOException;

/** What a read gave, as a comparable value: its result, or its {@link IOException}'s class and message. */
public final class Outcome {
    private Outcome() {
    }

    /** A read that may fail with an {@link IOException}. */
    public interface Read {
        Object run() throws IOException;
    }

    /** {@code read}'s result, or {@code "ExceptionClass: message"} if it threw an {@link IOException}. */
    public static Object of(Read read) {
        try {
            return read.run();
        } catch (IOException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }
}
