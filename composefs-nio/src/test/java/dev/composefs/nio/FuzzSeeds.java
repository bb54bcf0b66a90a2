package dev.composefs.nio;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Tree;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the seed corpus of {@link CoverageFuzzTest}: the small upstream dumps parsed, then written
 * by this project's writers as dumps, EROFS images and (where the tree fits) descriptors, plus the
 * descriptor sample tree. Run from the repository root after a build:
 * {@code java -cp <test class path> dev.composefs.nio.FuzzSeeds ../shared composefs-nio/src/test/resources}.
 */
final class FuzzSeeds {
    private static final List<String> DUMPS = List.of("special.dump", "bigfile-xattr.dump", "honggfuzz-long-symlink.dump",
            "longlink.dump", "honggfuzz-bigfile-with-acl.dump", "honggfuzz-chardev-nonzero-size.dump", "no-newline.dump");

    private FuzzSeeds() {
    }

    /**
     * @param args the shared folder and the test resources folder
     */
    public static void main(String[] args) throws IOException {
        Path assets = Path.of(args[0], "testdata", "upstream-assets");
        Path inputs = Path.of(args[1], "dev", "composefs", "nio", "CoverageFuzzTestInputs");
        Path dumps = Files.createDirectories(inputs.resolve("dumpParser"));
        Path erofs = Files.createDirectories(inputs.resolve("erofsReader"));
        Path descriptors = Files.createDirectories(inputs.resolve("descriptorReader"));
        Path provider = Files.createDirectories(inputs.resolve("provider"));
        for (String name : DUMPS) {
            Tree tree = DumpReader.lenient().read(assets.resolve(name));
            String base = name.substring(0, name.length() - ".dump".length());
            ByteArrayOutputStream dump = new ByteArrayOutputStream();
            DumpWriter.write(tree, dump);
            Files.write(dumps.resolve(base), dump.toByteArray());
            byte[] image = new ErofsWriter().toBytes(tree);
            Files.write(erofs.resolve(base), image);
            Files.write(provider.resolve(base + "-erofs"), image);
            try {
                byte[] d = DescriptorWriter.toBytes(tree);
                Files.write(descriptors.resolve(base), d);
                Files.write(provider.resolve(base + "-descriptor"), d);
            } catch (IllegalArgumentException e) {
                // Inline content or the like: this tree has no descriptor form.
            }
        }
        byte[] sample = DescriptorWriter.toBytes(SampleTrees.descriptorSample());
        Files.write(descriptors.resolve("sample"), sample);
        Files.write(provider.resolve("sample-descriptor"), sample);
    }
}
