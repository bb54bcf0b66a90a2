package dev.composefs.format.image;

import dev.composefs.format.descriptor.DescriptorReader;
import java.io.IOException;

/**
 * The image formats composefs has used, each recognised by a magic number at a fixed offset.
 */
public enum ImageFormat {
    /** The original descriptor format (CFS_VERSION 1): magic 0xc078629a at byte offset 4. */
    DESCRIPTOR(4, 0xc078629aL),
    /** The EROFS-based format of composefs 1.x: composefs header magic 0xd078629a at byte offset 0. */
    EROFS(0, 0xd078629aL);

    private final int magicOffset;
    private final long magic;

    ImageFormat(int magicOffset, long magic) {
        this.magicOffset = magicOffset;
        this.magic = magic;
    }

    /** The byte offset of the little-endian u32 magic number. */
    public int magicOffset() {
        return magicOffset;
    }

    /** The magic number, as an unsigned 32-bit value. */
    public long magic() {
        return magic;
    }

    /**
     * The format whose magic {@code data} carries, or {@code null} if it carries none. Reads only the
     * first eight bytes; a shorter file matches nothing.
     */
    public static ImageFormat detect(ImageData data) throws IOException {
        for (ImageFormat f : values()) {
            if (data.size() >= f.magicOffset + 4L && data.u32(f.magicOffset) == f.magic) {
                return f;
            }
        }
        return null;
    }

    /**
     * Opens {@code data} as an image of this format. The returned image owns {@code data} and closes it.
     *
     * @throws CorruptImageException     if the data is damaged
     * @throws UnsupportedImageException if this library cannot read this format or version
     */
    Image open(ImageData data) throws IOException {
        switch (this) {
            case DESCRIPTOR:
                return DescriptorReader.open(data);
            case EROFS:
                // The EROFS reader plugs in here, as DescriptorReader does above.
                throw new UnsupportedImageException(data.file()
                        + ": an EROFS composefs image; this version of composefs-java reads only descriptor (CFS_VERSION 1) images");
            default:
                throw new AssertionError(this);
        }
    }
}
