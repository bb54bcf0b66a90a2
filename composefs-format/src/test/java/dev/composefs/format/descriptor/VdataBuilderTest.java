package dev.composefs.format.descriptor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class VdataBuilderTest {
    @Test
    void dedupReusesTheFirstOccurrenceEvenOfANonDedupBlob() throws IOException {
        VdataBuilder v = new VdataBuilder();
        assertEquals(0, v.append(new byte[] {1, 2, 3}, true, false));
        assertEquals(4, v.append(new byte[] {9}, false, true));
        assertEquals(8, v.append(new byte[] {9}, false, true));
        assertEquals(4, v.append(new byte[] {9}, true, true));
        assertEquals(0, v.append(new byte[] {1, 2, 3}, true, true));
        assertEquals(9, v.append(new byte[] {7, 7}, true, false));
        assertEquals(12, v.append(new byte[] {7}, true, true));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        v.writeTo(out);
        assertArrayEquals(new byte[] {1, 2, 3, 0, 9, 0, 0, 0, 9, 7, 7, 0, 7}, out.toByteArray());
    }
}
