package dev.composefs.format.descriptor;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The vdata section as the reference writer builds it (descriptor-v1.md 4.6, step 4): blobs are
 * appended at the end, an aligned append first pads with zeros to a multiple of 4, and every blob
 * ever appended is remembered by content (the first occurrence wins) so that a deduplicating append
 * of identical bytes reuses it instead, without padding.
 */
final class VdataBuilder {
    private byte[] buffer = new byte[4096];
    private int length;
    private final Map<Blob, Integer> offsets = new HashMap<>();

    /**
     * Appends {@code blob} and returns its offset relative to the start of vdata.
     *
     * @param dedup reuse an identical blob appended before
     * @param align pad to {@link DescriptorLayout#VDATA_ALIGN} before a fresh append
     */
    int append(byte[] blob, boolean dedup, boolean align) {
        Blob key = new Blob(blob);
        if (dedup) {
            Integer existing = offsets.get(key);
            if (existing != null) {
                return existing;
            }
        }
        if (align) {
            int padded = Math.addExact(length, DescriptorLayout.VDATA_ALIGN - 1) & -DescriptorLayout.VDATA_ALIGN;
            ensure(padded - length);
            length = padded;
        }
        int offset = length;
        ensure(blob.length);
        System.arraycopy(blob, 0, buffer, length, blob.length);
        length += blob.length;
        offsets.putIfAbsent(key, offset);
        return offset;
    }

    private void ensure(int more) {
        long needed = (long) length + more;
        if (needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the tree's variable data exceeds 2 GiB; a descriptor image cannot hold it");
        }
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.length)));
        }
    }

    /** The bytes appended so far. */
    int length() {
        return length;
    }

    /** Writes the section. */
    void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, length);
    }

    /** A blob compared by content. */
    private record Blob(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Blob b && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
