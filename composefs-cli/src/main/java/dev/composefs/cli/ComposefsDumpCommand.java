package dev.composefs.cli;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.erofs.ErofsWriterOptions;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code composefs-dump IMAGE DEST}: reads an image and writes it again in the same format and
 * version, as the reference tool does; for a reproducible image the copy is identical.
 */
@Command(name = "composefs-dump", mixinStandardHelpOptions = true, version = "composefs-java composefs-dump 0.1",
        description = "Read a composefs image and write it again.")
public final class ComposefsDumpCommand implements Callable<Integer> {
    /** Offset of the composefs format version in the EROFS image's composefs header. */
    private static final int EROFS_COMPOSEFS_VERSION_OFFSET = 12;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image to read")
    Path source;

    @Parameters(index = "1", paramLabel = "DEST", description = "the image to write")
    Path dest;

    @Override
    public Integer call() throws Exception {
        Tree tree;
        ImageFormat format;
        try (Image image = Image.open(source)) {
            format = image.format();
            tree = ImageTree.read(image);
        }
        byte[] bytes = format == ImageFormat.EROFS
                ? new ErofsWriter(ErofsWriterOptions.exactly(erofsVersion(source))).toBytes(tree)
                : DescriptorWriter.toBytes(tree);
        OutputFiles.write(dest, bytes);
        return 0;
    }

    private static int erofsVersion(Path image) throws IOException {
        byte[] head = new byte[EROFS_COMPOSEFS_VERSION_OFFSET + 4];
        try (InputStream in = Files.newInputStream(image)) {
            if (in.readNBytes(head, 0, head.length) != head.length) {
                throw new IOException(image + ": too short for an EROFS composefs header");
            }
        }
        return ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(EROFS_COMPOSEFS_VERSION_OFFSET);
    }
}
