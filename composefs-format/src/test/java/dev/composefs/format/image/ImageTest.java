package dev.composefs.format.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.descriptor.DescriptorReader;
import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void opensADescriptorByItsMagic() throws IOException {
        Path f = file("d.cfs", DescriptorWriter.toBytes(new Tree(new Inode(040755))));
        try (Image image = Image.open(f)) {
            assertTrue(image instanceof DescriptorReader);
            assertEquals(ImageFormat.DESCRIPTOR, image.format());
            assertEquals(f, image.path());
            assertEquals(1, image.inodeCount());
        }
    }

    @Test
    void anythingElseIsUnsupported() throws IOException {
        for (byte[] bytes : new byte[][] {{}, {1, 2, 3}, "#!/bin/sh\necho hello\n".getBytes(), new byte[4096]}) {
            Path f = file("other", bytes);
            UnsupportedImageException e = assertThrows(UnsupportedImageException.class, () -> Image.open(f));
            assertTrue(e.getMessage().contains(f.toString()) && e.getMessage().contains("not a composefs image"), e.getMessage());
        }
    }

    /** The composefs EROFS magic is recognised; a header of an unknown version is refused, naming EROFS. */
    @Test
    void erofsMagicIsRecognisedAndAnUnknownHeaderVersionRefused() throws IOException {
        byte[] header = new byte[2048];
        header[0] = (byte) 0x9a;
        header[1] = 0x62;
        header[2] = 0x78;
        header[3] = (byte) 0xd0;
        Path f = file("e.img", header);
        try (ImageData data = ImageData.map(f)) {
            assertEquals(ImageFormat.EROFS, ImageFormat.detect(data));
        }
        UnsupportedImageException e = assertThrows(UnsupportedImageException.class, () -> Image.open(f));
        assertTrue(e.getMessage().contains("EROFS"), e.getMessage());
    }
}
