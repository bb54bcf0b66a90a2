package dev.composefs.verity.sig;

/**
 * A structural pre-check of untrusted BER/DER before Bouncy Castle parses it: walks the
 * tag-length-value headers iteratively and rejects elements that overrun their container, missing
 * end-of-contents markers, trailing bytes and nesting deeper than {@link #MAX_DEPTH}. Bouncy Castle's
 * parser recurses once per nesting level, so a few kilobytes of nested headers would otherwise
 * overflow the stack.
 */
final class DerLayout {
    /** Real signatures nest about ten levels (a dozen more with embedded certificates). */
    static final int MAX_DEPTH = 40;

    private DerLayout() {
    }

    /**
     * Why {@code der} is not one well-formed BER/DER element, naming the offset; {@code null} if it is.
     */
    static String problem(byte[] der) {
        // For each open constructed element: where its content ends (-1: indefinite length) and the
        // offset no descendant may pass (its own end, or its nearest definite ancestor's).
        int[] ends = new int[MAX_DEPTH];
        int[] bounds = new int[MAX_DEPTH];
        int depth = 0;
        int pos = 0;
        boolean sawTop = false;
        while (true) {
            if (depth == 0 && sawTop) {
                return pos == der.length ? null : "trailing bytes at offset " + pos;
            }
            int bound = depth == 0 ? der.length : bounds[depth - 1];
            if (depth > 0 && ends[depth - 1] == pos) {
                depth--;
                continue;
            }
            if (depth > 0 && ends[depth - 1] < 0 && pos + 1 < bound && der[pos] == 0 && der[pos + 1] == 0) {
                pos += 2;
                depth--;
                continue;
            }
            if (pos >= bound) {
                return der.length == 0 ? "it is empty" : "truncated element at offset " + pos;
            }
            int start = pos;
            int tag = der[pos++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                int tagBytes = 0;
                do {
                    if (pos >= bound || ++tagBytes > 4) {
                        return "bad tag at offset " + start;
                    }
                } while ((der[pos++] & 0x80) != 0);
            }
            if (pos >= bound) {
                return "truncated element at offset " + start;
            }
            int first = der[pos++] & 0xff;
            boolean constructed = (tag & 0x20) != 0;
            long end;
            if (first < 0x80) {
                end = pos + first;
            } else if (first == 0x80) {
                if (!constructed) {
                    return "indefinite length on a primitive element at offset " + start;
                }
                end = -1;
            } else {
                int lengthBytes = first & 0x7f;
                if (lengthBytes > 4) {
                    return "length of the element at offset " + start + " does not fit in 4 bytes";
                }
                long length = 0;
                for (int i = 0; i < lengthBytes; i++) {
                    if (pos >= bound) {
                        return "truncated element at offset " + start;
                    }
                    length = length << 8 | (der[pos++] & 0xff);
                }
                end = pos + length;
            }
            if (end > bound) {
                return "element at offset " + start + " runs past the end of its container at offset " + bound;
            }
            sawTop = true;
            if (constructed) {
                if (depth == MAX_DEPTH) {
                    return "elements nested more than " + MAX_DEPTH + " deep at offset " + start;
                }
                ends[depth] = (int) end;
                bounds[depth] = end < 0 ? bound : (int) end;
                depth++;
            } else {
                pos = (int) end;
            }
        }
    }
}
