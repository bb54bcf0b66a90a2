/**
 * The read side shared by every composefs image format: {@link dev.composefs.format.image.Image}
 * (open a file, recognise its format by magic, then ask about inodes by number), the small immutable
 * values it answers with ({@link dev.composefs.format.image.Stat},
 * {@link dev.composefs.format.image.Content}, {@link dev.composefs.format.image.DirectoryCursor}),
 * {@link dev.composefs.format.image.ImageData} (the bounds-checked view of the file every reader goes
 * through) and the exceptions for damaged or unknown files.
 */
package dev.composefs.format.image;
