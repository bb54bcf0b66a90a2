package dev.composefs.format.dump;

import java.io.IOException;

/**
 * A dump file that breaks the format: thrown by {@link DumpReader} with the source, the 1-based line
 * number and the reason, e.g. {@code config.dump:12: Parent directory missing for /a/b}.
 */
public final class DumpFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String reason;

    /**
     * An error at {@code line} of {@code source}.
     *
     * @param source the file name, or {@code <stdin>}
     * @param line   the 1-based line number
     * @param reason what is wrong, without the location
     */
    public DumpFormatException(String source, long line, String reason) {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    /**
     * An error at {@code line} of {@code source} caused by a lower-level fault (e.g. corrupt gzip data).
     *
     * @param source the file name, or {@code <stdin>}
     * @param line   the 1-based line number reached
     * @param reason what is wrong, without the location
     * @param cause  the underlying exception
     */
    public DumpFormatException(String source, long line, String reason, Throwable cause) {
        this(source, line, reason);
        initCause(cause);
    }

    /** The file name, or {@code <stdin>}. */
    public String source() {
        return source;
    }

    /** The 1-based line number. */
    public long line() {
        return line;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }
}
