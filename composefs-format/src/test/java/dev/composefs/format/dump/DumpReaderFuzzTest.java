package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Hostile input: damaged dumps either parse or fail with a {@link DumpFormatException} naming a line
 * of the input; never another exception.
 */
class DumpReaderFuzzTest {

    /** One damage: at a relative position, replace a byte, insert one, delete one, or cut the text. */
    record Mutation(double where, int kind, byte value) {
        byte[] apply(byte[] in) {
            if (in.length == 0) {
                return in;
            }
            int at = (int) (where * (in.length - 1));
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 1);
            switch (kind) {
                case 0 -> {
                    byte[] copy = in.clone();
                    copy[at] = value;
                    return copy;
                }
                case 1 -> {
                    out.write(in, 0, at);
                    out.write(value);
                    out.write(in, at, in.length - at);
                }
                case 2 -> {
                    out.write(in, 0, at);
                    out.write(in, at + 1, in.length - at - 1);
                }
                default -> out.write(in, 0, at);
            }
            return out.toByteArray();
        }
    }

    @Provide
    Arbitrary<List<Mutation>> mutations() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) ' ', (byte) '\n', (byte) '\\', (byte) '=', (byte) '-', (byte) '/',
                (byte) '@', (byte) '.', (byte) 'x', (byte) '0', (byte) '9', (byte) 0, (byte) 0xff);
        Arbitrary<Byte> value = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, Arbitraries.bytes()));
        return Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 3), value)
                .as(Mutation::new).list().ofMinSize(1).ofMaxSize(6);
    }

    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.trees(TreeArbitraries.Options.all().withMaxInodes(15));
    }

    @Property(tries = 150)
    void damagedDumpsFailCleanly(@ForAll("trees") Tree tree, @ForAll("mutations") List<Mutation> damage) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter.write(tree, out);
        byte[] text = out.toByteArray();
        for (Mutation m : damage) {
            text = m.apply(text);
        }
        long lines = 1;
        for (byte b : text) {
            if (b == '\n') {
                lines++;
            }
        }
        for (DumpReader reader : List.of(DumpReader.strict(), DumpReader.lenient())) {
            try {
                Tree t = reader.read(new ByteArrayInputStream(text), "fuzz");
                ByteArrayOutputStream again = new ByteArrayOutputStream();
                DumpWriter.write(t, again);
            } catch (DumpFormatException e) {
                assertTrue(e.line() >= 1 && e.line() <= lines, e.getMessage());
                assertTrue(e.getMessage().startsWith("fuzz:" + e.line() + ": "), e.getMessage());
            }
        }
    }
}
