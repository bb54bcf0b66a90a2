package dev.composefs.format.dump;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import dev.composefs.format.tree.TreeAssertions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trips of generated trees through the dump text. */
class DumpRoundTripTest {

    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.trees();
    }

    static byte[] dump(Tree tree) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DumpWriter.write(tree, out);
        return out.toByteArray();
    }

    @Property(tries = 150)
    void treeToDumpToTreeKeepsEverything(@ForAll("trees") Tree tree) throws IOException {
        byte[] text = dump(tree);
        Tree strict = DumpReader.strict().read(new ByteArrayInputStream(text));
        TreeAssertions.assertTreesEqual(tree, strict);
        Tree lenient = DumpReader.lenient().read(new ByteArrayInputStream(text));
        TreeAssertions.assertTreesEqual(tree, lenient);
    }

    @Property(tries = 100)
    void writingWhatWasReadGivesTheSameBytes(@ForAll("trees") Tree tree) throws IOException {
        byte[] text = dump(tree);
        // The generated xattrs are in random order and the reader sorts them: compare from the
        // first read on, where the text is canonical.
        byte[] canonical = dump(DumpReader.strict().read(new ByteArrayInputStream(text)));
        byte[] again = dump(DumpReader.strict().read(new ByteArrayInputStream(canonical)));
        assertArrayEquals(canonical, again);
    }

    @Property(tries = 30)
    void gzippedDumpsReadTheSame(@ForAll("trees") Tree tree) throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            DumpWriter.write(tree, out);
        }
        TreeAssertions.assertTreesEqual(tree, DumpReader.strict().read(new ByteArrayInputStream(gz.toByteArray())));
    }
}
