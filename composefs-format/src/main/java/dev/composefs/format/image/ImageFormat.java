package dev.composefs.format.image;

import dev.composefs.format.descriptor.DescriptorReader;
import dev.composefs.format.erofs.ErofsLayout;
import dev.composefs.format.erofs.ErofsReader;
import java.io.IOException;

/**
 * The image formats composefs has used, each recognised by a magic number at a fixed offset.
 */
public enum ImageFormat {
    /** The original descriptor format (CFS_VERSION 1): magic 0xc078629a at byte offset 4. */
    DESCRIPTOR(4, 0xc078629aL),
    /**
     * The EROFS-based format of composefs 1.x: composefs header magic 0xd078629a at byte offset 0. A
     * plain EROFS image (superblock magic 0xe0f5e1e2 at 1024, no composefs header) is read as this
     * format too.
     */
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
     * first eight bytes and the EROFS superblock magic; a shorter file matches nothing.
     */
    public static ImageFormat detect(ImageData data) throws IOException {
        for (ImageFormat f : values()) {
            if (data.size() >= f.magicOffset + 4L && data.u32(f.magicOffset) == f.magic) {
                return f;
            }
        }
        // A plain EROFS image, without composefs header, has only the superblock magic.
        if (data.size() >= ErofsLayout.EROFS_SUPER_OFFSET + 4L
                && data.u32(ErofsLayout.EROFS_SUPER_OFFSET) == Integer.toUnsignedLong(ErofsLayout.EROFS_SUPER_MAGIC_V1)) {
            return EROFS;
        }
        return null;
    }

    /**
     * Opens {@code data} as an image of this format in {@code view}. The returned image owns
     * {@code data} and closes it.
     *
     * @throws CorruptImageException     if the data is damaged
     * @throws UnsupportedImageException if this library cannot read this format or version
     */
    Image open(ImageData data, ImageView view) throws IOException {
        switch (this) {
            case DESCRIPTOR:
                // A descriptor stores the tree as it is: both views are the same.
                return DescriptorReader.open(data);
            case EROFS:
                return ErofsReader.open(data, view);
            default:
                throw new AssertionError(this);
        }
    }
}
