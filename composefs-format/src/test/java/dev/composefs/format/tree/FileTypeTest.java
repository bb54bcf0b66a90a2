package dev.composefs.format.tree;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FileTypeTest {
    /** The scan of every type that the lookup tables stand for. */
    private static FileType scan(int typeBits, boolean direntCode) {
        for (FileType t : FileType.values()) {
            if (direntCode ? t.direntType() == typeBits : t.modeBits() == typeBits) {
                return t;
            }
        }
        return null;
    }

    @Test
    void everyModeMapsToTheTypeOfItsTypeBits() {
        for (int mode : new int[] {0, 0777, 0170000, 0177777, -1, Integer.MIN_VALUE, 0x10000 | 0100644}) {
            assertEquals(scan(mode & FileType.S_IFMT, false), FileType.ofMode(mode), Integer.toOctalString(mode));
        }
        for (int mode = 0; mode <= 0177777; mode++) {
            assertEquals(scan(mode & FileType.S_IFMT, false), FileType.ofMode(mode), Integer.toOctalString(mode));
        }
    }

    @Test
    void everyDirentCodeMapsToItsType() {
        for (int code = -300; code <= 300; code++) {
            assertEquals(scan(code, true), FileType.ofDirentType(code), Integer.toString(code));
        }
        assertEquals(null, FileType.ofDirentType(Integer.MIN_VALUE));
        assertEquals(null, FileType.ofDirentType(Integer.MAX_VALUE));
    }
}
