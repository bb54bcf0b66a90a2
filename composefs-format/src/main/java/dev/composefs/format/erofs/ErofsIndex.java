package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageView;
import java.util.BitSet;

/**
 * What the open-time validation learned about the inodes of an image, by nid: which inodes the tree
 * reaches (the only numbers the reader accepts), which ones the view hides, and which ones the mounted
 * view shows as whiteouts. Immutable once built.
 */
final class ErofsIndex {
    private final ImageView view;
    private final BitSet reachable;
    private final BitSet rawWhiteouts;
    private final BitSet escapedWhiteouts;

    ErofsIndex(ImageView view, BitSet reachable, BitSet rawWhiteouts, BitSet escapedWhiteouts) {
        this.view = view;
        this.reachable = reachable;
        this.rawWhiteouts = rawWhiteouts;
        this.escapedWhiteouts = escapedWhiteouts;
    }

    /** The view this index serves. */
    ImageView view() {
        return view;
    }

    private static boolean get(BitSet set, long nid) {
        return nid >= 0 && nid <= Integer.MAX_VALUE && set.get((int) nid);
    }

    /** Whether {@code nid} is an inode of the tree the view shows. */
    boolean contains(long nid) {
        return get(reachable, nid) && !hidden(nid);
    }

    /**
     * Whether the view hides inode {@code nid}: in the mounted view, character devices with rdev 0
     * (composefs' root stubs, and raw whiteouts, which overlayfs hides).
     */
    boolean hidden(long nid) {
        return view == ImageView.MOUNTED && get(rawWhiteouts, nid);
    }

    /** Whether the view shows inode {@code nid} as a whiteout although it is stored as a regular file. */
    boolean whiteout(long nid) {
        return view == ImageView.MOUNTED && get(escapedWhiteouts, nid);
    }

    /** The number of inodes the view shows. */
    long count() {
        long n = reachable.cardinality();
        return view == ImageView.MOUNTED ? n - rawWhiteouts.cardinality() : n;
    }
}
