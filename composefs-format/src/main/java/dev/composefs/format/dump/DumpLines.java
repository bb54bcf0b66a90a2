package dev.composefs.format.dump;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into LF-terminated lines without copying them, holding at most one line of
 * {@code maxLineLength} bytes in memory: a longer line is reported as soon as the limit is passed,
 * before the rest of it is read. CR is not stripped.
 *
 * <p>After {@link #next()} returns {@code true}, the line is {@link #buffer()}{@code [}{@link #start()},
 * {@link #end()}{@code )}, valid until the next call.
 */
final class DumpLines {
    private static final int INITIAL_CAPACITY = 1 << 16;

    private final InputStream in;
    private final int maxLineLength;
    private byte[] buf = new byte[INITIAL_CAPACITY];
    private int dataStart;
    private int dataEnd;
    private int scanned;
    private boolean eof;
    private long lineNumber;
    private int lineStart;
    private int lineEnd;
    private boolean terminated;

    /** Lines of {@code in}, each at most {@code maxLineLength} bytes without its LF. */
    DumpLines(InputStream in, int maxLineLength) {
        this.in = in;
        this.maxLineLength = maxLineLength;
    }

    /**
     * Advances to the next line.
     *
     * @return {@code false} at the end of the input
     * @throws LineTooLongException if the next line is longer than the limit
     */
    boolean next() throws IOException {
        while (true) {
            int nl = indexOfNewline(Math.max(scanned, dataStart), dataEnd);
            if (nl >= 0) {
                return found(nl, true);
            }
            scanned = dataEnd;
            if (dataEnd - dataStart > maxLineLength) {
                throw new LineTooLongException(lineNumber + 1);
            }
            if (eof) {
                return dataStart < dataEnd && found(dataEnd, false);
            }
            fill();
        }
    }

    private boolean found(int nl, boolean withNewline) throws LineTooLongException {
        if (nl - dataStart > maxLineLength) {
            throw new LineTooLongException(lineNumber + 1);
        }
        lineNumber++;
        lineStart = dataStart;
        lineEnd = nl;
        terminated = withNewline;
        dataStart = withNewline ? nl + 1 : nl;
        scanned = dataStart;
        return true;
    }

    private int indexOfNewline(int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void fill() throws IOException {
        if (dataStart > 0) {
            // Keep the partial line only; earlier lines have been handed out already.
            int len = dataEnd - dataStart;
            System.arraycopy(buf, dataStart, buf, 0, len);
            scanned -= dataStart;
            dataStart = 0;
            dataEnd = len;
        }
        if (dataEnd == buf.length) {
            buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, (long) maxLineLength + 2));
        }
        int n = in.read(buf, dataEnd, buf.length - dataEnd);
        if (n < 0) {
            eof = true;
        } else {
            dataEnd += n;
        }
    }

    /** The 1-based number of the current line; 0 before the first. */
    long lineNumber() {
        return lineNumber;
    }

    /** The buffer holding the current line. */
    byte[] buffer() {
        return buf;
    }

    /** Where the current line starts in {@link #buffer()}. */
    int start() {
        return lineStart;
    }

    /** Where the current line ends (exclusive, before its LF). */
    int end() {
        return lineEnd;
    }

    /** Whether the current line ended with LF (only the last line of the input may not). */
    boolean terminated() {
        return terminated;
    }

    /** A line longer than the limit, at its 1-based number. */
    static final class LineTooLongException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long line;

        LineTooLongException(long line) {
            super("line " + line + " too long");
            this.line = line;
        }

        long line() {
            return line;
        }
    }
}
