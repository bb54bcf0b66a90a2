package dev.composefs.format.tree;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A whole composefs tree: a root directory and everything reachable from it.
 */
public final class Tree {
    private final Inode root;

    /**
     * A tree with the given root.
     *
     * @throws IllegalArgumentException if the root is not a directory
     */
    public Tree(Inode root) {
        if (!root.isDirectory()) {
            throw new IllegalArgumentException("the root of a tree must be a directory");
        }
        this.root = root;
    }

    /** The root directory. */
    public Inode root() {
        return root;
    }

    /**
     * The inode at absolute {@code path} (bytes such as {@code /usr/bin}; repeated slashes are
     * ignored), or {@code null} if there is none. Symlinks are not followed.
     */
    public Inode lookup(byte[] path) {
        Inode cur = root;
        int i = 0;
        while (i < path.length) {
            if (path[i] == '/') {
                i++;
                continue;
            }
            int end = i;
            while (end < path.length && path[end] != '/') {
                end++;
            }
            cur = cur.child(Name.of(path, i, end - i));
            if (cur == null) {
                return null;
            }
            i = end;
        }
        return cur;
    }

    /** Receives each entry of a {@link #walk}. */
    @FunctionalInterface
    public interface Visitor<E extends Exception> {
        /**
         * Called once for each name in the tree, parents before children.
         *
         * @param path  the absolute path, bytes ({@code /} for the root)
         * @param inode the inode the path names; the same object again for a hard link
         */
        void visit(byte[] path, Inode inode) throws E;
    }

    /** Receives each entry of a {@link #walkPaths} in a path buffer that the walk reuses. */
    @FunctionalInterface
    public interface PathVisitor<E extends Exception> {
        /**
         * Called once for each name in the tree, parents before children.
         *
         * @param buffer the absolute path in {@code buffer[0, length)}; valid only during the call (the
         *               walk overwrites and may replace the buffer afterwards), and not to be modified
         * @param length the path's length in bytes
         * @param inode  the inode the path names; the same object again for a hard link
         */
        void visit(byte[] buffer, int length, Inode inode) throws E;
    }

    /**
     * Visits every path depth-first, pre-order, children in byte order: the order of the dump format.
     * Each visit gets its own copy of the path; see {@link #walkPaths} to avoid the copies.
     * Iterative, so deep trees cannot overflow the stack.
     */
    public <E extends Exception> void walk(Visitor<E> visitor) throws E {
        Objects.requireNonNull(visitor);
        walkPaths((buffer, length, inode) -> visitor.visit(Arrays.copyOf(buffer, length), inode));
    }

    /**
     * Visits every path as {@link #walk} does, handing each over in one reused buffer. Iterative, and
     * linear in the size of the tree and its longest path: the walk keeps one path buffer and, per open
     * directory, the length of its path, so a deep tree costs no copy of every ancestor's path.
     */
    public <E extends Exception> void walkPaths(PathVisitor<E> visitor) throws E {
        Objects.requireNonNull(visitor);
        byte[] path = new byte[256];
        path[0] = '/';
        visitor.visit(path, 1, root);
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(0, root.children().entrySet().iterator()));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (!top.children.hasNext()) {
                stack.pop();
                continue;
            }
            Map.Entry<Name, Inode> e = top.children.next();
            int length = top.length + 1 + e.getKey().length();
            if (length > path.length) {
                path = Arrays.copyOf(path, Math.max(length, path.length * 2));
            }
            path[top.length] = '/';
            e.getKey().copyTo(path, top.length + 1);
            visitor.visit(path, length, e.getValue());
            if (e.getValue().isDirectory()) {
                stack.push(new Frame(length, e.getValue().children().entrySet().iterator()));
            }
        }
    }

    /** An open directory of a walk: the length of its path in the buffer, and its children left. */
    private record Frame(int length, Iterator<Map.Entry<Name, Inode>> children) {
    }
}
