package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpEscaping.Field;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The escaping rules of section 2.2, edge case by edge case. */
class DumpEscapingTest {

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h);
    }

    private static String escaped(String hexValue, Field field) {
        return new String(DumpEscaping.escape(hex(hexValue), field), StandardCharsets.US_ASCII);
    }

    @ParameterizedTest(name = "{0} as {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # value (hex) | field       | escaped
            2f612f62      | PATH        | /a/b
            5c            | PATH        | \\\\
            0a            | PATH        | \\n
            0d            | PATH        | \\r
            09            | PATH        | \\t
            20            | PATH        | \\x20
            00            | PATH        | \\x00
            1f            | PATH        | \\x1f
            7f            | PATH        | \\x7f
            80            | PATH        | \\x80
            ff            | PATH        | \\xff
            c3a9          | PATH        | \\xc3\\xa9
            21            | PATH        | !
            7e            | PATH        | ~
            3d            | PATH        | =
            2d            | PATH        | -
            2d            | PAYLOAD     | \\x2d
            2d            | CONTENT     | \\x2d
            2d2d          | PAYLOAD     | --
            612d          | CONTENT     | a-
            2d            | XATTR_VALUE | -
            2d            | XATTR_KEY   | -
            3d            | XATTR_KEY   | \\x3d
            613d62        | XATTR_VALUE | a\\x3db
            3d            | PAYLOAD     | =
            612062        | LISTING_PATH | "a b"
            0a09ff        | LISTING_PATH | \\n\\t\\xff
            """)
    void escapes(String value, Field field, String expected) {
        assertEquals(expected, escaped(value, field));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # escaped     | value (hex)
            abc           | 616263
            \\\\          | 5c
            \\n\\r\\t     | 0a0d09
            \\x41         | 41
            \\xAb\\xaB    | abab
            \\x00         | 00
            \\x3d=        | 3d3d
            -             | 2d
            \\x2d         | 2d
            é             | c3a9
            """)
    void unescapes(String text, String expectedHex) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(hex(expectedHex), DumpEscaping.unescape(b, 0, b.length));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # escaped | reason
            a\\       | No character after escape
            \\x       | No hex characters after hex escape
            \\x4      | No hex characters after hex escape
            \\xg0     | Invalid hex characters after hex escape
            \\x0z     | Invalid hex characters after hex escape
            \\a       | Unsupported escape type a
            \\0       | Unsupported escape type 0
            \\"       | Unsupported escape type "
            """)
    void rejectsBadEscapes(String text, String reason) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DumpEscaping.unescape(b, 0, b.length));
        assertEquals(reason, e.getMessage());
    }

    @Property(tries = 500)
    void escapingRoundTripsAndIsGraphic(@ForAll byte[] value, @ForAll Field field) {
        byte[] e = DumpEscaping.escape(value, field);
        for (byte c : e) {
            boolean space = c == ' ' && field == Field.LISTING_PATH;
            assertTrue(space || (c >= 0x21 && c <= 0x7e), "escaped output is printable, no space (but in listings)");
            if (field == Field.XATTR_KEY || field == Field.XATTR_VALUE) {
                assertTrue(c != '=', "no raw = in xattr text");
            }
        }
        assertArrayEquals(value, DumpEscaping.unescape(e, 0, e.length));
    }

    @Property(tries = 200)
    void unescapeDecodesOnlyTheGivenRange(@ForAll byte[] value) {
        byte[] e = DumpEscaping.escape(value, Field.PATH);
        byte[] framed = new byte[e.length + 4];
        framed[0] = '\\';
        framed[1] = 'x';
        System.arraycopy(e, 0, framed, 2, e.length);
        framed[framed.length - 2] = '\\';
        framed[framed.length - 1] = 'q';
        assertArrayEquals(value, DumpEscaping.unescape(framed, 2, 2 + e.length));
    }
}
