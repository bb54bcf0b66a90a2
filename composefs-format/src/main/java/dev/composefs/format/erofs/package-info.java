/**
 * The EROFS image format of composefs 1.x (format versions 0 and 1): on-disk constants and structs
 * named after the kernel's {@code erofs_fs.h} ({@link dev.composefs.format.erofs.ErofsLayout},
 * {@link dev.composefs.format.erofs.Superblock}, {@link dev.composefs.format.erofs.InodeRecord}, ...),
 * the writer {@link dev.composefs.format.erofs.ErofsWriter}, whose output is byte-identical to the
 * reference {@code mkcomposefs}, and the reader {@link dev.composefs.format.erofs.ErofsReader}, an
 * {@link dev.composefs.format.image.Image} that opens in constant time, checks each inode and
 * directory when a call first reaches it ({@link dev.composefs.format.erofs.ErofsValidator}), and
 * presents the image in the mounted or the raw {@link dev.composefs.format.image.ImageView}.
 */
package dev.composefs.format.erofs;
