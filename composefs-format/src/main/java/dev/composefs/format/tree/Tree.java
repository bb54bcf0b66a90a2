package dev.composefs.format.tree;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
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

    /**
     * Visits every path depth-first, pre-order, children in byte order: the order of the dump format.
     * Iterative, so deep trees cannot overflow the stack.
     */
    public <E extends Exception> void walk(Visitor<E> visitor) throws E {
        Objects.requireNonNull(visitor);
        visitor.visit(new byte[] {'/'}, root);
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(new byte[0], root.children().entrySet().iterator()));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (!top.children.hasNext()) {
                stack.pop();
                continue;
            }
            Map.Entry<Name, Inode> e = top.children.next();
            ByteArrayOutputStream b = new ByteArrayOutputStream(top.path.length + 1 + e.getKey().length());
            b.writeBytes(top.path);
            b.write('/');
            b.writeBytes(e.getKey().bytes());
            byte[] path = b.toByteArray();
            visitor.visit(path, e.getValue());
            if (e.getValue().isDirectory()) {
                stack.push(new Frame(path, e.getValue().children().entrySet().iterator()));
            }
        }
    }

    private record Frame(byte[] path, Iterator<Map.Entry<Name, Inode>> children) {
    }
}
