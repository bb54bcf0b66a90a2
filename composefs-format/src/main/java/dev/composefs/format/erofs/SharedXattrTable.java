package dev.composefs.format.erofs;

import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared xattr table: every (name, value) pair that more than one inode carries, stored once
 * after the inodes and referenced by id. Ordered as the C writer orders it: name descending, then
 * value length descending, then value bytes descending.
 */
final class SharedXattrTable {
    /** The C writer's order, which the images must reproduce byte for byte. */
    private static final Comparator<Xattr> ORDER = (a, b) -> {
        int c = b.name().compareTo(a.name());
        if (c != 0) {
            return c;
        }
        c = Integer.compare(b.valueLength(), a.valueLength());
        return c != 0 ? c : Arrays.compareUnsigned(b.value(), a.value());
    };

    private final List<Xattr> entries;
    private final Map<Xattr, Integer> offsets = new HashMap<>();
    private final int size;

    private SharedXattrTable(List<Xattr> entries) {
        this.entries = entries;
        int offset = 0;
        for (Xattr x : entries) {
            offsets.put(x, offset);
            offset += XattrLayout.entrySize(x.name(), x.valueLength());
        }
        this.size = offset;
    }

    /** The table for the xattrs of {@code nodes}, each node counted once. */
    static SharedXattrTable of(List<WriterNode> nodes) {
        Map<Xattr, Integer> counts = new HashMap<>();
        for (WriterNode n : nodes) {
            for (Map.Entry<Name, byte[]> e : n.xattrs.entrySet()) {
                counts.merge(Xattr.of(e.getKey(), e.getValue()), 1, Integer::sum);
            }
        }
        List<Xattr> shared = new ArrayList<>();
        counts.forEach((x, count) -> {
            if (count > 1) {
                shared.add(x);
            }
        });
        shared.sort(ORDER);
        return new SharedXattrTable(shared);
    }

    /** The entries in table order. */
    List<Xattr> entries() {
        return entries;
    }

    /** The byte offset of the pair ({@code name}, {@code value}) in the table, or -1 if it is not shared. */
    int offsetOf(Name name, byte[] value) {
        Integer off = offsets.get(Xattr.of(name, value));
        return off == null ? -1 : off;
    }

    /** The table's size in bytes. */
    int size() {
        return size;
    }
}
