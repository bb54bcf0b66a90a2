/**
 * Sources of composefs trees: {@link dev.composefs.format.tree.source.DirectoryScanner} builds a
 * {@link dev.composefs.format.tree.Tree} from a directory on disk, with the options of
 * {@code mkcomposefs} ({@link dev.composefs.format.tree.source.ScanOptions}).
 */
package dev.composefs.format.tree.source;
