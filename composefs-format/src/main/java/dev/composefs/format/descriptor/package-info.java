/**
 * The original composefs descriptor format (CFS_VERSION 1, magic 0xc078629a at offset 4):
 * {@link dev.composefs.format.descriptor.DescriptorLayout} (on-disk constants),
 * {@link dev.composefs.format.descriptor.DescriptorReader} (an
 * {@link dev.composefs.format.image.Image} that opens in constant time and validates each part of
 * the image where it is used) and
 * {@link dev.composefs.format.descriptor.DescriptorWriter} (from a tree, byte-identical to the
 * reference writer for trees without hard links).
 */
package dev.composefs.format.descriptor;
