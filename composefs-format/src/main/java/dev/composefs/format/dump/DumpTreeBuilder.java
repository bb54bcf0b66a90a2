package dev.composefs.format.dump;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the tree from parsed lines: places each inode under its parent, enforces the path rules,
 * and resolves hard links once every line is in (targets may come later in the file, and links may
 * point at links).
 */
final class DumpTreeBuilder {
    private final String source;
    private final boolean strict;
    private Inode root;
    private long line;
    private final List<PendingLink> links = new ArrayList<>();
    private final Map<Inode, PendingLink> linkByPlaceholder = new IdentityHashMap<>();
    // The directories along the previous line's parent path: chainNodes[k] is named by the raw prefix
    // chainPath[0, chainEnds[k]) (k = 0 is the root, prefix empty). A dump lists a directory's entries
    // right after it, so a line's parent is almost always on this chain or one level below it: finding
    // it costs the bytes compared, not a lookup of every ancestor (linear in the dump, however deep).
    private byte[] chainPath = new byte[0];
    private int[] chainEnds = new int[16];
    private Inode[] chainNodes = new Inode[16];
    private int chainLevels;

    /** A hard-link line: a placeholder entered at its path until the target is known. */
    private static final class PendingLink {
        final Inode parent;
        final Name name;
        final Inode placeholder;
        final byte[] target;
        final long line;
        Inode resolved;

        PendingLink(Inode parent, Name name, Inode placeholder, byte[] target, long line) {
            this.parent = parent;
            this.name = name;
            this.placeholder = placeholder;
            this.target = target;
            this.line = line;
        }
    }

    DumpTreeBuilder(String source, boolean strict) {
        this.source = source;
        this.strict = strict;
    }

    /** Sets the line number that errors report. */
    void at(long lineNumber) {
        this.line = lineNumber;
    }

    /** An error at {@code lineNumber} of the source. */
    DumpFormatException error(long lineNumber, String reason) {
        return new DumpFormatException(source, lineNumber, reason);
    }

    private DumpFormatException error(String reason) {
        return error(line, reason);
    }

    /** Enters {@code inode} at absolute {@code path}. */
    void add(byte[] path, Inode inode) throws DumpFormatException {
        place(path, inode);
    }

    /** Enters a hard link at {@code path} to the file at {@code target} (resolved in {@link #finish()}). */
    void addHardLink(byte[] path, FileType type, byte[] target) throws DumpFormatException {
        Inode placeholder = new Inode(type.modeBits());
        Placed placed = place(path, placeholder);
        if (type == FileType.DIRECTORY) {
            throw error("Directories can't be hardlinked");
        }
        if (target == null || target.length == 0) {
            throw error("No target path for the hardlink");
        }
        PendingLink link = new PendingLink(placed.parent, placed.name, placeholder, target, line);
        links.add(link);
        linkByPlaceholder.put(placeholder, link);
    }

    private record Placed(Inode parent, Name name) {
    }

    private Placed place(byte[] path, Inode inode) throws DumpFormatException {
        if (path.length == 1 && path[0] == '/') {
            if (!inode.isDirectory()) {
                throw error("Root must be a directory");
            }
            if (root != null) {
                throw error("Can't have multiple roots");
            }
            root = inode;
            return new Placed(null, null);
        }
        if (root == null) {
            throw error("Root node not present: the first line must be /");
        }
        if (strict) {
            checkCanonical(path);
        }
        int nameStart = path.length;
        while (nameStart > 0 && path[nameStart - 1] != '/') {
            nameStart--;
        }
        int nameLength = path.length - nameStart;
        if (nameLength == 0) {
            throw error("Invalid empty file name in path " + show(path));
        }
        if (isDotOrDotDot(path, nameStart, nameLength)) {
            throw error("Invalid . or .. in path: " + show(path));
        }
        if (nameLength > Inode.NAME_MAX) {
            throw error("File name of " + nameLength + " bytes exceeds " + Inode.NAME_MAX + " in path " + show(path));
        }
        Inode parent = parent(path, nameStart);
        Name name = Name.of(path, nameStart, nameLength);
        if (parent.child(name) != null) {
            throw error("Path " + show(path) + " already exists");
        }
        parent.addChild(name, inode);
        return new Placed(parent, name);
    }

    private Inode parent(byte[] path, int nameStart) throws DumpFormatException {
        if (chainLevels == 0 || chainNodes[0] != root) {
            chainNodes[0] = root;
            chainEnds[0] = 0;
            chainLevels = 1;
        }
        // The deepest chain level whose prefix is also a component boundary of this path.
        int common = Arrays.mismatch(path, 0, nameStart, chainPath, 0, chainPath.length);
        if (common < 0) {
            common = nameStart;
        }
        int k = chainLevels - 1;
        while (k > 0 && !(chainEnds[k] <= common && (chainEnds[k] == nameStart || path[chainEnds[k]] == '/'))) {
            k--;
        }
        chainLevels = k + 1;
        Inode parent = chainNodes[k];
        int i = chainEnds[k];
        while (i < nameStart) {
            if (path[i] == '/') {
                i++;
                continue;
            }
            int end = i;
            while (end < nameStart && path[end] != '/') {
                end++;
            }
            Inode child = parent.child(Name.of(path, i, end - i));
            if (child == null || !child.isDirectory()) {
                // The chain now holds levels of this path but not its bytes: start afresh next time.
                chainLevels = 0;
                throw error((child == null ? "Parent directory missing for " : "Parent must be a directory for ")
                        + show(path));
            }
            parent = child;
            push(end, child);
            i = end;
        }
        if (nameStart != common || chainPath.length != nameStart) {
            chainPath = Arrays.copyOf(path, nameStart);
        }
        return parent;
    }

    private void push(int end, Inode dir) {
        if (chainLevels == chainEnds.length) {
            chainEnds = Arrays.copyOf(chainEnds, chainLevels * 2);
            chainNodes = Arrays.copyOf(chainNodes, chainLevels * 2);
        }
        chainEnds[chainLevels] = end;
        chainNodes[chainLevels] = dir;
        chainLevels++;
    }

    /** Strict paths are canonical: absolute, no empty, {@code .} or {@code ..} component, no trailing slash. */
    private void checkCanonical(byte[] path) throws DumpFormatException {
        if (path[0] != '/') {
            throw error("Path must be absolute: " + show(path));
        }
        int start = 1;
        for (int i = 1; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                int len = i - start;
                if (len == 0) {
                    throw error("Invalid empty file name in path " + show(path));
                }
                if (isDotOrDotDot(path, start, len)) {
                    throw error("Invalid . or .. in path: " + show(path));
                }
                start = i + 1;
            }
        }
    }

    private static boolean isDotOrDotDot(byte[] p, int start, int len) {
        return (len == 1 && p[start] == '.') || (len == 2 && p[start] == '.' && p[start + 1] == '.');
    }

    /**
     * Resolves the hard links and returns the tree.
     *
     * @param lastLine the number of the last line, for an error about the whole input
     */
    Tree finish(long lastLine) throws DumpFormatException {
        if (root == null) {
            throw error(lastLine + 1, "No root directory: the dump has no entries");
        }
        for (PendingLink link : links) {
            resolve(link);
        }
        for (PendingLink link : links) {
            link.parent.removeChild(link.name);
            link.parent.addChild(link.name, link.resolved);
        }
        return new Tree(root);
    }

    private void resolve(PendingLink first) throws DumpFormatException {
        if (first.resolved != null) {
            return;
        }
        List<PendingLink> chain = new ArrayList<>();
        Map<PendingLink, Boolean> seen = new IdentityHashMap<>();
        PendingLink link = first;
        Inode target;
        while (true) {
            chain.add(link);
            seen.put(link, Boolean.TRUE);
            if (strict) {
                at(link.line);
                checkCanonical(link.target);
            }
            target = new Tree(root).lookup(link.target);
            if (target == null) {
                throw error(link.line, "No target at " + show(link.target) + " for hardlink");
            }
            if (target == link.placeholder) {
                throw error(link.line, "Self-referential hardlink " + show(link.target));
            }
            if (target.isDirectory()) {
                throw error(link.line, "Hardlink target " + show(link.target) + " is a directory");
            }
            PendingLink next = linkByPlaceholder.get(target);
            if (next == null) {
                break;
            }
            if (next.resolved != null) {
                target = next.resolved;
                break;
            }
            if (seen.containsKey(next)) {
                throw error(first.line, "Hardlink cycle through " + show(link.target));
            }
            link = next;
        }
        for (PendingLink l : chain) {
            l.resolved = target;
        }
    }

    /** A path for a message: escaped like a dump field, so any byte shows. */
    private static String show(byte[] path) {
        return new String(DumpEscaping.escape(path, DumpEscaping.Field.PATH), StandardCharsets.US_ASCII);
    }
}
