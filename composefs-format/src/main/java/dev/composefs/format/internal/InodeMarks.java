package dev.composefs.format.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A thread-safe set of inode numbers in {@code [0, limit)} that costs nothing until it is used: the
 * readers' memory of which directories they have already checked (lazy validation) and which ones
 * some dirent already names. Bits live in pages of {@value #PAGE_BITS} that are allocated on the first
 * mark inside them, so a lookup that touches a few directories allocates a few pages, and a full walk
 * at most {@code limit / 8} bytes. {@link #contains} is a plain lock-free read: it is on the path of
 * every lookup.
 */
public final class InodeMarks {
    private static final int PAGE_SHIFT = 16;
    private static final int PAGE_BITS = 1 << PAGE_SHIFT;
    private static final int PAGE_WORDS = PAGE_BITS / Long.SIZE;

    private final long limit;
    private final AtomicReferenceArray<AtomicLongArray> pages;

    /**
     * A set for inode numbers {@code 0 <= n < limit}.
     *
     * @throws IllegalArgumentException if {@code limit} is negative or above 2^40
     */
    public InodeMarks(long limit) {
        if (limit < 0 || limit > 1L << 40) {
            throw new IllegalArgumentException("limit " + limit + " is not 0..2^40");
        }
        this.limit = limit;
        this.pages = new AtomicReferenceArray<>((int) ((limit + PAGE_BITS - 1) >>> PAGE_SHIFT));
    }

    /** Whether {@code n} is in the set; numbers outside {@code [0, limit)} never are. */
    public boolean contains(long n) {
        if (n < 0 || n >= limit) {
            return false;
        }
        AtomicLongArray page = pages.get((int) (n >>> PAGE_SHIFT));
        return page != null && (page.get(wordIndex(n)) & bit(n)) != 0;
    }

    /**
     * Adds {@code n} to the set.
     *
     * @return whether {@code n} was not in the set before (exactly one of several racing callers sees
     *         {@code true})
     * @throws IllegalArgumentException if {@code n} is outside {@code [0, limit)}
     */
    public boolean add(long n) {
        if (n < 0 || n >= limit) {
            throw new IllegalArgumentException("inode " + n + " is outside 0.." + (limit - 1));
        }
        AtomicLongArray page = page((int) (n >>> PAGE_SHIFT));
        int word = wordIndex(n);
        long bit = bit(n);
        while (true) {
            long old = page.get(word);
            if ((old & bit) != 0) {
                return false;
            }
            if (page.compareAndSet(word, old, old | bit)) {
                return true;
            }
        }
    }

    private AtomicLongArray page(int index) {
        AtomicLongArray page = pages.get(index);
        if (page == null) {
            AtomicLongArray fresh = new AtomicLongArray(PAGE_WORDS);
            page = pages.compareAndSet(index, null, fresh) ? fresh : pages.get(index);
        }
        return page;
    }

    private static int wordIndex(long n) {
        return (int) (n & (PAGE_BITS - 1)) >>> 6;
    }

    private static long bit(long n) {
        return 1L << (n & 63);
    }
}
