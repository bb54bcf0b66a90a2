package dev.composefs.format.tree;

/**
 * A point in time as {@code struct timespec}: signed seconds since the epoch and nanoseconds.
 *
 * @param seconds seconds since 1970-01-01T00:00:00Z; negative before it
 * @param nanos   nanoseconds, 0 to 999,999,999 for well-formed times; the dump format can carry any
 *                32-bit value and images store it as given
 */
public record Timespec(long seconds, int nanos) implements Comparable<Timespec> {
    /** The epoch, what {@code --use-epoch} stores. */
    public static final Timespec EPOCH = new Timespec(0, 0);

    @Override
    public int compareTo(Timespec o) {
        int c = Long.compare(seconds, o.seconds);
        return c != 0 ? c : Integer.compareUnsigned(nanos, o.nanos);
    }

    /** {@code SEC.NSEC} as in the dump format. */
    @Override
    public String toString() {
        return seconds + "." + Integer.toUnsignedString(nanos);
    }
}
