package dev.composefs.format.descriptor;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inode numbers of a tree in a descriptor: breadth-first from the root (number 0), children in
 * name order, as the reference writer's {@code lcfs_compute_tree} assigns them. Unlike the reference,
 * a hard link does not take an inode slot of its own: an {@link Inode} entered under several names
 * gets one number, at its first name in that order, and its link count is the number of its names.
 */
final class InodeNumbering {
    private final List<Inode> order = new ArrayList<>();
    private final Map<Inode, Integer> numbers = new IdentityHashMap<>();
    private final Map<Inode, Integer> names = new IdentityHashMap<>();
    private final List<Integer> parents = new ArrayList<>();
    private final List<Name> firstNames = new ArrayList<>();

    private InodeNumbering() {
    }

    /**
     * Numbers {@code tree}.
     *
     * @throws IllegalArgumentException if a directory has more than one name or the root has one
     */
    static InodeNumbering of(Tree tree) {
        InodeNumbering n = new InodeNumbering();
        n.add(tree.root(), -1, null);
        Deque<Inode> queue = new ArrayDeque<>();
        queue.add(tree.root());
        while (!queue.isEmpty()) {
            Inode dir = queue.poll();
            int parent = n.numbers.get(dir);
            for (Map.Entry<Name, Inode> e : dir.children().entrySet()) {
                Inode child = e.getValue();
                if (n.numbers.containsKey(child)) {
                    if (child.isDirectory()) {
                        throw new IllegalArgumentException("directory " + n.path(n.numbers.get(child))
                                + " is also entered as " + n.path(parent) + "/" + e.getKey()
                                + ": directories cannot be hard-linked");
                    }
                    n.names.merge(child, 1, Integer::sum);
                    continue;
                }
                n.add(child, parent, e.getKey());
                if (child.isDirectory()) {
                    queue.add(child);
                }
            }
        }
        return n;
    }

    private void add(Inode inode, int parent, Name name) {
        numbers.put(inode, order.size());
        names.put(inode, 1);
        order.add(inode);
        parents.add(parent);
        firstNames.add(name);
    }

    /** The inodes in number order. */
    List<Inode> order() {
        return order;
    }

    /** The number of {@code inode}. */
    int number(Inode inode) {
        return numbers.get(inode);
    }

    /**
     * The link count to store: 2 + the number of subdirectories for a directory (as the reference
     * recomputes it); the number of names for a hard-linked file; otherwise as the tree gives it.
     */
    long nlink(Inode inode) {
        if (inode.isDirectory()) {
            long subdirectories = inode.children().values().stream().filter(Inode::isDirectory).count();
            return 2 + subdirectories;
        }
        int count = names.get(inode);
        return count > 1 ? count : inode.nlink();
    }

    /** The path of inode number {@code number} at its first name, for messages. */
    String path(int number) {
        if (number == 0) {
            return "/";
        }
        Deque<Name> parts = new ArrayDeque<>();
        for (int i = number; i > 0; i = parents.get(i)) {
            parts.push(firstNames.get(i));
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (Name p : parts) {
            b.write('/');
            b.writeBytes(p.bytes());
        }
        return Name.of(b.toByteArray()).toString();
    }
}
