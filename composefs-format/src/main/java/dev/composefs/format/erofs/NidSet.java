package dev.composefs.format.erofs;

/**
 * A small set of nids, open addressing over one {@code long[]}: the subdirectories one directory check
 * has seen. Most directories name none or a few, and a boxed {@code HashSet<Long>} cost an allocation
 * per subdirectory on every first walk. Memory stays within four times 8 bytes per element, so a
 * directory of hostile size costs a small multiple of its own bytes.
 */
final class NidSet {
    /** Each slot holds nid + 1, so that 0 marks a free one; nids that reach a set lie in the file. */
    private long[] slots = new long[8];
    private int size;

    /** Adds {@code nid} ({@code 0 <= nid < 2^63 - 1}); false if it was in the set already. */
    boolean add(long nid) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        long key = nid + 1;
        int mask = slots.length - 1;
        for (int i = slot(key, mask); ; i = (i + 1) & mask) {
            long k = slots[i];
            if (k == key) {
                return false;
            }
            if (k == 0) {
                slots[i] = key;
                size++;
                return true;
            }
        }
    }

    /** The number of nids in the set. */
    int size() {
        return size;
    }

    private static int slot(long key, int mask) {
        // Fibonacci hashing: nids of one directory's children are often evenly spaced.
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long key : old) {
            if (key != 0) {
                int i = slot(key, mask);
                while (slots[i] != 0) {
                    i = (i + 1) & mask;
                }
                slots[i] = key;
            }
        }
    }
}
