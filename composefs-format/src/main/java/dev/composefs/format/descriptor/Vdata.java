package dev.composefs.format.descriptor;

/**
 * A checked vdata reference: an absolute byte range of the file that lies within the vdata section.
 *
 * @param offset absolute offset in the file
 * @param length length in bytes; 0 means the reference is absent
 */
record Vdata(long offset, int length) {
    /** The absent reference ({@code len} 0). */
    static final Vdata ABSENT = new Vdata(0, 0);

    /** Whether the reference points at something. */
    boolean present() {
        return length != 0;
    }
}
