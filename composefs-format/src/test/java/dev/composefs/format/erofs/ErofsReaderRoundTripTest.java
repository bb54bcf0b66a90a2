package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.TreeArbitraries;
import dev.composefs.format.tree.TreeAssertions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Trees written by {@link ErofsWriter} read back through {@link ErofsReader} as the same trees. */
class ErofsReaderRoundTripTest {
    /** Everything compared but directory sizes, which EROFS computes from the entries. */
    static final TreeAssertions.Comparison EXACT = TreeAssertions.comparing().ignoringDirectorySize();

    @Provide
    Arbitrary<Tree> trees() {
        return TreeArbitraries.trees();
    }

    static byte[] image(Tree tree, ErofsWriterOptions options) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new ErofsWriter(options).write(tree, out);
        return out.toByteArray();
    }

    @Property(tries = 40)
    void mountedViewIsTheWrittenTree(@ForAll("trees") Tree tree) throws IOException {
        Assume.that(!lossy(tree));
        for (ErofsWriterOptions options : List.of(ErofsWriterOptions.DEFAULT, ErofsWriterOptions.exactly(0))) {
            byte[] bytes = image(tree, options);
            long mountedCount;
            try (Image image = Image.open(ImageData.wrap(bytes, Path.of("roundtrip.img")))) {
                EXACT.assertEqual(tree, ImageTree.read(image));
                assertEquals(distinctInodes(tree), ImageWalk.distinctInodes(image));
                mountedCount = image.inodeCount();
                ImageWalk.walk(image);
            }
            try (ErofsReader raw = ErofsReader.open(ImageData.wrap(bytes, Path.of("roundtrip.img")), ImageView.RAW)) {
                Tree stored = ImageTree.read(raw);
                long stubs = 0;
                for (int i = 0; i < 256; i++) {
                    Inode stub = stored.root().child(Name.of(String.format("%02x", i)));
                    if (stub != null && stub.type() == FileType.CHAR_DEVICE && stub.rdev() == 0) {
                        stubs++;
                    }
                }
                assertTrue(stubs > 0 || tree.root().children().size() >= 256);
                assertEquals(distinctInodes(tree) + stubs, raw.inodeCount());
                assertEquals(raw.inodeCount(), ImageWalk.distinctInodes(raw));
                assertEquals(raw.inodeCount(), mountedCount, "both views report the stored count");
                ImageWalk.walk(raw);
            }
        }
    }

    private static long distinctInodes(Tree tree) {
        Set<Inode> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        tree.walk((p, n) -> seen.add(n));
        return seen.size();
    }

    static boolean lossy(Tree tree) {
        return ErofsTrees.lossy(tree);
    }
}
