package dev.composefs.format.dump;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one dump line into an inode (or a hard-link request) and hands it to a {@link DumpTreeBuilder}.
 * The rules are those of composefs-dump(5) as the reference parser applies them, with its known bugs
 * fixed; {@code strict} adds the checks {@link DumpReader} documents.
 */
final class DumpLineParser {
    /** Fixed fields before the xattrs. */
    static final int FIXED_FIELDS = 11;
    /** The longest payload (symlink target, backing path): C {@code PATH_MAX} minus the NUL. */
    static final int MAX_PAYLOAD = 4095;
    /** The longest inline content. */
    static final int MAX_INLINE_CONTENT = 5000;
    /** The most bytes of xattr text after the fixed fields. */
    static final int MAX_XATTR_TEXT = 65535;
    /** The longest xattr key. */
    static final int MAX_XATTR_KEY = 255;
    /** The per-inode xattr budget for dump input: {@link #XATTR_HEADER} + sum of (7 + key + value). */
    static final int MAX_XATTR_BUDGET = 32767;
    /** What the reference budget charges once per inode with xattrs (an EROFS xattr header). */
    static final int XATTR_HEADER = 12;
    /** The largest external file: 1024 chunks of 2^43 bytes. */
    static final long MAX_EXTERNAL_SIZE = 1L << 53;

    private static final String[] NAMES = {"PATH", "SIZE", "MODE", "NLINK", "UID", "GID", "RDEV", "MTIME", "PAYLOAD", "CONTENT", "DIGEST"};
    private static final int PATH = 0;
    private static final int SIZE = 1;
    private static final int MODE = 2;
    private static final int NLINK = 3;
    private static final int UID = 4;
    private static final int GID = 5;
    private static final int RDEV = 6;
    private static final int MTIME = 7;
    private static final int PAYLOAD = 8;
    private static final int CONTENT = 9;
    private static final int DIGEST = 10;

    private final boolean strict;
    private final DumpTreeBuilder builder;
    private final int[] from = new int[FIXED_FIELDS];
    private final int[] to = new int[FIXED_FIELDS];
    private byte[] b;

    DumpLineParser(boolean strict, DumpTreeBuilder builder) {
        this.strict = strict;
        this.builder = builder;
    }

    /** Parses {@code line[start, end)}, line number {@code lineNumber}. */
    void parse(byte[] line, int start, int end, long lineNumber) throws DumpFormatException {
        builder.at(lineNumber);
        try {
            parseLine(line, start, end);
        } catch (FieldException e) {
            throw builder.error(lineNumber, e.getMessage());
        }
    }

    private void parseLine(byte[] line, int start, int end) throws FieldException, DumpFormatException {
        this.b = line;
        for (int i = start; i < end; i++) {
            if (line[i] == 0) {
                throw new FieldException("Invalid embedded NUL character at position " + (i - start));
            }
        }
        int present = splitFixedFields(start, end);
        byte[] path = unescape(PATH);
        if (path.length == 0) {
            throw new FieldException("Invalid empty path");
        }
        noNul(path, "path");

        boolean hardLink = to[MODE] > from[MODE] && line[from[MODE]] == '@';
        int modeFrom = hardLink ? from[MODE] + 1 : from[MODE];
        long rawMode = DumpNumbers.unsigned(line, modeFrom, to[MODE], 8,
                hardLink ? DumpNumbers.U32_MAX : 0177777, strict, "MODE");
        int mode = (int) rawMode;
        FileType type = FileType.ofMode(mode);
        if (type == null) {
            throw new FieldException("Invalid mode " + Integer.toOctalString(mode) + " (no valid file type)");
        }
        if (hardLink) {
            byte[] target = optional(PAYLOAD);
            if (target != null) {
                noNul(target, "hardlink target");
            }
            builder.addHardLink(path, type, target);
            return;
        }
        if (strict && present < FIXED_FIELDS) {
            throw new FieldException("Missing field " + NAMES[present] + " (a line has " + FIXED_FIELDS + " fixed fields)");
        }
        Inode inode = new Inode(mode);
        long size = number(SIZE, 10, -1L);
        inode.nlink(number(NLINK, 10, DumpNumbers.U32_MAX) & DumpNumbers.U32_MAX);
        inode.uid(number(UID, 10, DumpNumbers.U32_MAX) & DumpNumbers.U32_MAX);
        inode.gid(number(GID, 10, DumpNumbers.U32_MAX) & DumpNumbers.U32_MAX);
        long rdev = number(RDEV, 10, DumpNumbers.U32_MAX);
        Timespec mtime = mtime();
        inode.mtime(mtime).ctime(mtime);

        byte[] payload = optional(PAYLOAD);
        byte[] content = optional(CONTENT);
        if (content != null && content.length != size) {
            throw new FieldException("Invalid content size " + content.length + ", must match size " + Long.toUnsignedString(size));
        }
        FsVerityDigest digest = digest();

        if (type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE) {
            // Images store 32 bits; strict mode has range-checked already.
            inode.rdev(rdev & DumpNumbers.U32_MAX);
        } else if (strict && rdev != 0) {
            throw new FieldException("Non-zero devnum on non-device");
        }
        if (payload != null) {
            noNul(payload, "payload");
        }
        typeSpecific(inode, size, payload, content, digest);
        xattrs(inode, to[DIGEST] < end ? to[DIGEST] + 1 : end, end);
        builder.add(path, inode);
    }

    /**
     * Finds the 11 fixed fields, like C {@code split_at}: a missing field is empty and sits at the
     * end of the line.
     *
     * @return how many fields the line actually has, at most 11
     */
    private int splitFixedFields(int start, int end) {
        int pos = start;
        int present = 0;
        for (int f = 0; f < FIXED_FIELDS; f++) {
            from[f] = pos;
            int sp = pos;
            while (sp < end && b[sp] != ' ') {
                sp++;
            }
            to[f] = sp;
            if (pos < end) {
                present = f + 1;
            }
            pos = sp < end ? sp + 1 : end;
        }
        return present;
    }

    /** Size, payload and content by file type; what a type does not use is dropped. */
    private void typeSpecific(Inode inode, long size, byte[] payload, byte[] content, FsVerityDigest digest) throws FieldException {
        FileType type = inode.type();
        if (type == FileType.SYMLINK) {
            if (payload == null || payload.length == 0) {
                throw new FieldException("Invalid symlink: empty target");
            }
            if (payload.length > MAX_PAYLOAD) {
                throw new FieldException("Invalid symlink: target of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
            }
            if (strict && size != payload.length) {
                throw new FieldException("Invalid symlink size " + Long.toUnsignedString(size) + ", must match target length " + payload.length);
            }
            if (strict && content != null && content.length > 0) {
                throw new FieldException("Symlink cannot have content");
            }
            inode.payload(payload).size(payload.length);
        } else {
            if (payload != null && payload.length > MAX_PAYLOAD) {
                throw new FieldException("Invalid payload: " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
            }
            if (content != null && content.length > MAX_INLINE_CONTENT) {
                throw new FieldException("Inline content size " + content.length + " exceeds maximum " + MAX_INLINE_CONTENT);
            }
            switch (type) {
                case REGULAR -> regular(inode, size, payload, content, digest);
                case DIRECTORY -> inode.size(size);
                default -> inode.size(0);
            }
        }
    }

    /** Keeps what a regular file uses: inline content, or a backing path and digest. */
    private static void regular(Inode inode, long size, byte[] payload, byte[] content, FsVerityDigest digest) throws FieldException {
        inode.size(size);
        if (content != null && content.length > 0) {
            inode.content(content);
            return;
        }
        if (Long.compareUnsigned(size, MAX_EXTERNAL_SIZE) > 0) {
            throw new FieldException("File too big: size " + Long.toUnsignedString(size) + " needs more than 1024 chunks (max " + MAX_EXTERNAL_SIZE + ")");
        }
        if (payload != null && payload.length > 0) {
            inode.payload(payload);
        }
        if (size > 0) {
            inode.digest(digest);
        }
    }

    private long number(int field, int radix, long max) throws FieldException {
        return DumpNumbers.unsigned(b, from[field], to[field], radix, max, strict, NAMES[field]);
    }

    private Timespec mtime() throws FieldException {
        int dot = -1;
        for (int i = from[MTIME]; i < to[MTIME]; i++) {
            if (b[i] == '.') {
                dot = i;
                break;
            }
        }
        if (dot < 0) {
            throw new FieldException("Invalid MTIME '" + DumpNumbers.text(b, from[MTIME], to[MTIME]) + "' (want SEC.NSEC)");
        }
        long seconds = DumpNumbers.signed(b, from[MTIME], dot, strict, "MTIME seconds");
        long nanos = DumpNumbers.unsigned(b, dot + 1, to[MTIME], 10, 999_999_999L, strict, "MTIME nanoseconds");
        return new Timespec(seconds, (int) nanos);
    }

    private FsVerityDigest digest() throws FieldException {
        byte[] hex = optional(DIGEST);
        if (hex == null || (!strict && hex.length == 0)) {
            return null;
        }
        boolean valid = hex.length == 64 || hex.length == 128;
        for (byte c : hex) {
            valid &= c >= 0 && Character.digit(c, 16) >= 0;
        }
        if (!valid) {
            throw new FieldException("Invalid DIGEST '" + DumpNumbers.text(hex, 0, hex.length) + "' (want 64 or 128 hex digits)");
        }
        return FsVerityDigest.parse(new String(hex, StandardCharsets.US_ASCII));
    }

    private void xattrs(Inode inode, int start, int end) throws FieldException {
        if (end - start > MAX_XATTR_TEXT) {
            throw new FieldException("Too many xattrs: " + (end - start) + " bytes of xattr text exceed " + MAX_XATTR_TEXT);
        }
        Map<Name, Xattr> byName = new HashMap<>();
        int budget = 0;
        int pos = start;
        while (pos < end) {
            int sp = pos;
            while (sp < end && b[sp] != ' ') {
                sp++;
            }
            Xattr x = xattr(pos, sp);
            Xattr previous = byName.put(x.name(), x);
            if (previous != null) {
                if (strict) {
                    throw new FieldException("Duplicate xattr " + x.name());
                }
                // The reference parser replaces an earlier value of the same key.
                budget -= cost(previous);
            }
            budget += cost(x);
            if (budget + XATTR_HEADER > MAX_XATTR_BUDGET) {
                throw new FieldException("Xattrs too large: " + (budget + XATTR_HEADER) + " bytes exceed the per-inode limit " + MAX_XATTR_BUDGET);
            }
            pos = sp < end ? sp + 1 : end;
        }
        List<Xattr> sorted = new ArrayList<>(byName.values());
        Collections.sort(sorted);
        inode.xattrs().addAll(sorted);
    }

    private Xattr xattr(int start, int end) throws FieldException {
        int eq = start;
        while (eq < end && b[eq] != '=') {
            eq++;
        }
        if (eq == end) {
            throw new FieldException("Missing = in xattr '" + DumpNumbers.text(b, start, end) + "'");
        }
        byte[] key = unescape(start, eq, "xattr key");
        if (key.length == 0) {
            throw new FieldException("Empty xattr key");
        }
        if (key.length > MAX_XATTR_KEY) {
            throw new FieldException("Xattr key of " + key.length + " bytes exceeds " + MAX_XATTR_KEY);
        }
        noNul(key, "xattr key");
        return Xattr.of(Name.of(key), unescape(eq + 1, end, "xattr value"));
    }

    /** The reference parser's charge for one xattr: 2 * 4 - 1 bytes of entry overhead (worst-case alignment) + key + value. */
    private static int cost(Xattr x) {
        return 7 + x.name().length() + x.valueLength();
    }

    private byte[] unescape(int field) throws FieldException {
        return unescape(from[field], to[field], NAMES[field]);
    }

    private byte[] optional(int field) throws FieldException {
        if (to[field] - from[field] == 1 && b[from[field]] == '-') {
            return null;
        }
        return unescape(field);
    }

    private byte[] unescape(int start, int end, String what) throws FieldException {
        try {
            return DumpEscaping.unescape(b, start, end);
        } catch (IllegalArgumentException e) {
            throw new FieldException(e.getMessage() + " in " + what);
        }
    }

    private static void noNul(byte[] value, String what) throws FieldException {
        for (byte c : value) {
            if (c == 0) {
                throw new FieldException("NUL byte (\\x00) in " + what);
            }
        }
    }
}
