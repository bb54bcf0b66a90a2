package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.testutil.NativeTestFiles;
import dev.composefs.format.testutil.TreeText;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scanned tree survives the descriptor writer and reader unchanged: the scanner's output is writable. */
class ScanToDescriptorRoundTripTest {
    @TempDir
    Path tmp;

    @Test
    void scannedTreeRoundTripsThroughADescriptor() throws IOException {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Files.createDirectories(src.resolve("etc/empty"));
        Files.write(src.resolve("etc/data"), new byte[5000]);
        Files.writeString(src.resolve("etc/hostname"), "composefs\n");
        Files.createLink(src.resolve("etc/data-link"), src.resolve("etc/data"));
        Files.createSymbolicLink(src.resolve("lib"), Path.of("usr/lib"));
        NativeTestFiles.mkfifo(src.resolve("etc/fifo"), 0600);
        NativeTestFiles.symlink(new byte[] {'t', (byte) 0xff}, NativeTestFiles.child(src, new byte[] {'n', (byte) 0xfe}));
        NativeTestFiles.setXattr(src.resolve("etc/hostname"), "user.note", "x".getBytes(StandardCharsets.UTF_8));
        Tree scanned = new DirectoryScanner(ScanOptions.defaults().withHardlinks(true).withComputeDigests(true)).scan(src);

        Path image = tmp.resolve("image.cfs");
        DescriptorWriter.write(scanned, image);
        try (Image img = Image.open(image)) {
            assertEquals(TreeText.of(scanned), TreeText.of(ImageTree.read(img)));
        }
    }
}
