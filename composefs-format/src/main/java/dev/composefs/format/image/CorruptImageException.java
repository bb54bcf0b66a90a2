package dev.composefs.format.image;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An image file is damaged or hostile: a field is out of range, a length runs past its section, a
 * structure breaks the format's rules. The message names the file, the byte offset, the inode when it
 * is known, and what was wrong.
 */
public class CorruptImageException extends IOException {
    private static final long serialVersionUID = 1L;

    /** The value of {@link #inode()} when the fault is not tied to one inode. */
    public static final long NO_INODE = -1;

    /** The value of {@link #offset()} when the fault is not tied to one byte offset. */
    public static final long NO_OFFSET = -1;

    private final transient Path file;
    private final long offset;
    private final long inode;
    private final String problem;

    /**
     * A corruption report.
     *
     * @param file    the image file (may be a name used only for messages)
     * @param offset  the byte offset in the file where the fault was found, or {@link #NO_OFFSET}
     * @param inode   the inode being read, or {@link #NO_INODE}
     * @param problem what was wrong, in words
     */
    public CorruptImageException(Path file, long offset, long inode, String problem) {
        super(format(file, offset, inode, problem));
        this.file = file;
        this.offset = offset;
        this.inode = inode;
        this.problem = problem;
    }

    private static String format(Path file, long offset, long inode, String problem) {
        StringBuilder b = new StringBuilder();
        b.append(file).append(": corrupt image");
        if (inode != NO_INODE) {
            b.append(", inode ").append(inode);
        }
        if (offset != NO_OFFSET) {
            b.append(", offset ").append(offset).append(" (0x").append(Long.toHexString(offset)).append(')');
        }
        return b.append(": ").append(problem).toString();
    }

    /** The image file. */
    public Path file() {
        return file;
    }

    /** The byte offset in the file where the fault was found, or {@link #NO_OFFSET}. */
    public long offset() {
        return offset;
    }

    /** The inode being read, or {@link #NO_INODE}. */
    public long inode() {
        return inode;
    }

    /** What was wrong, without the file, offset and inode. */
    public String problem() {
        return problem;
    }
}
