package dev.composefs.format.dump;

import dev.composefs.format.tree.Tree;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a composefs dump file (composefs-dump(5)) into a {@link Tree}.
 *
 * <p><b>Modes.</b> {@link #strict()} (the default) enforces every rule of the format, the reference
 * parser's {@code CFS_PARSE_STRICT} rules, and a few more of its own: a trailing newline; rdev 0 on
 * non-devices; a symlink's SIZE equal to its target length and no CONTENT on symlinks; all 11 fixed
 * fields present; canonical paths (absolute, no {@code //}, {@code .}, {@code ..} or trailing
 * {@code /}; hard-link targets too); plain decimal/octal numbers within their field's width (MODE at
 * most 0177777, NLINK/UID/GID/RDEV 32 bits, nanoseconds below 10<sup>9</sup>, seconds a signed 64-bit
 * number); no duplicate xattr keys. {@link #lenient()} accepts what the reference
 * {@code mkcomposefs --from-file} accepts without {@code CFS_PARSE_STRICT}: a last line without LF,
 * repeated slashes, C {@code strtoull} numbers truncated to their field, bits above the 16 of a mode,
 * symlink SIZE ignored, a later xattr replacing an earlier one with the same key. Both modes fix the
 * reference parser's bugs: an invalid GID or RDEV is an error (C ignores it when UID &ne; 0), a DIGEST
 * must be 64 or 128 hex digits (C accepts anything), and NUL bytes in unescaped paths, payloads and
 * xattr keys are errors (C silently truncates there).
 *
 * <p><b>Always enforced:</b> no empty line, no NUL byte in a line; the root {@code /} first, a
 * directory, once; every other path's parent present and a directory; final names not empty,
 * {@code .} or {@code ..}, at most 255 bytes; no duplicate paths; a valid file type in MODE;
 * CONTENT length equal to SIZE and at most 5000 bytes; a non-empty symlink target; payloads under
 * 4096 bytes; an external file at most 1024 chunks (2<sup>53</sup> bytes); xattr keys 1–255 bytes,
 * at most 65535 bytes of xattr text per line and the reference per-inode budget (12 + &Sigma;(7 + key +
 * value) &le; 32767); hard links to an existing, non-directory path other than themselves, no cycles,
 * no directory hard links. Forward references and chains of hard links are resolved after the last
 * line.
 *
 * <p><b>What the tree holds.</b> One {@link dev.composefs.format.tree.Inode} per non-hard-link line; a
 * hard-link line enters the target's inode object under its own name. The dump format has no ctime:
 * ctime is set to mtime. NLINK is stored as written, for directories too (image writers recompute
 * directory link counts; the target of hard links keeps its written NLINK). SIZE is kept for regular
 * files and directories, is the target length for symlinks and 0 for devices, fifos and sockets.
 * Fields a type does not use are dropped: PAYLOAD except on symlinks and regular files without
 * content; CONTENT except on regular files; DIGEST except on regular files with SIZE &gt; 0 and no
 * content; RDEV except on devices (kept as its low 32 bits). An empty CONTENT or PAYLOAD is absent.
 * Xattrs are sorted by key (their order in a dump carries no meaning).
 *
 * <p><b>Input.</b> Gzip-compressed input (magic {@code 1f 8b}) is decompressed transparently. Memory
 * is bounded by one line: a line longer than {@link #maxLineLength()} is rejected as soon as it passes
 * the limit. Errors are {@link DumpFormatException}s naming the source, the line and the reason.
 * Instances are immutable and thread-safe.
 */
public final class DumpReader {
    /** The default longest line, in bytes, without its LF: ample for the format's own limits. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 1 << 20;

    /** The source name used for streams read without a name. */
    public static final String STDIN = "<stdin>";

    private final boolean strict;
    private final int maxLineLength;

    private DumpReader(boolean strict, int maxLineLength) {
        this.strict = strict;
        this.maxLineLength = maxLineLength;
    }

    /** A reader with the strict rules. */
    public static DumpReader strict() {
        return new DumpReader(true, DEFAULT_MAX_LINE_LENGTH);
    }

    /** A reader that accepts what the reference parser accepts in its default, non-strict mode. */
    public static DumpReader lenient() {
        return new DumpReader(false, DEFAULT_MAX_LINE_LENGTH);
    }

    /**
     * This reader with another line length limit.
     *
     * @throws IllegalArgumentException if {@code max} is below 64 or above 2<sup>30</sup>
     */
    public DumpReader withMaxLineLength(int max) {
        if (max < 64 || max > (1 << 30)) {
            throw new IllegalArgumentException("line length limit out of range: " + max);
        }
        return new DumpReader(strict, max);
    }

    /** Whether this reader applies the strict rules. */
    public boolean isStrict() {
        return strict;
    }

    /** The longest line accepted, in bytes, without its LF. */
    public int maxLineLength() {
        return maxLineLength;
    }

    /** Reads the dump file {@code file} (gzip-compressed or not); errors name the file. */
    public Tree read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads a dump from {@code in} (not closed); errors name the source {@code <stdin>}. */
    public Tree read(InputStream in) throws IOException {
        return read(in, STDIN);
    }

    /**
     * Reads a dump from {@code in} (not closed), gzip-compressed or not.
     *
     * @param source the name errors give for the input, e.g. a file name
     */
    public Tree read(InputStream in, String source) throws IOException {
        Objects.requireNonNull(source, "source");
        DumpTreeBuilder builder = new DumpTreeBuilder(source, strict);
        DumpLineParser parser = new DumpLineParser(strict, builder);
        DumpLines lines = new DumpLines(decompressed(Objects.requireNonNull(in, "in")), maxLineLength);
        try {
            while (lines.next()) {
                parser.parse(lines.buffer(), lines.start(), lines.end(), lines.lineNumber());
                // Checked after parsing, so that a broken last line reports what is broken in it.
                if (!lines.terminated() && strict) {
                    throw new DumpFormatException(source, lines.lineNumber(), "Missing trailing newline");
                }
            }
        } catch (DumpLines.LineTooLongException e) {
            throw new DumpFormatException(source, e.line(), "Line longer than " + maxLineLength + " bytes");
        } catch (ZipException | EOFException e) {
            throw new DumpFormatException(source, lines.lineNumber() + 1, "Corrupt gzip data: " + e.getMessage(), e);
        }
        return builder.finish(lines.lineNumber());
    }

    private static InputStream decompressed(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in, 1 << 16);
        b.mark(2);
        int first = b.read();
        int second = b.read();
        b.reset();
        if (first == 0x1f && second == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(b, 1 << 16), 1 << 16);
        }
        return b;
    }
}
