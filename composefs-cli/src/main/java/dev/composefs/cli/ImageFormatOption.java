package dev.composefs.cli;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.erofs.ErofsWriterOptions;
import dev.composefs.format.tree.Tree;

/** The image formats {@code mkcomposefs --format} can write. */
enum ImageFormatOption {
    /** The EROFS format of composefs 1.x: what {@code mount.composefs} mounts today. The default. */
    EROFS,
    /** The original composefs descriptor format (CFS_VERSION 1). */
    DESCRIPTOR;

    /** The image bytes of {@code tree}; {@code erofs} gives the EROFS versions. */
    byte[] write(Tree tree, ErofsWriterOptions erofs) {
        return this == EROFS ? new ErofsWriter(erofs).toBytes(tree) : DescriptorWriter.toBytes(tree);
    }
}
