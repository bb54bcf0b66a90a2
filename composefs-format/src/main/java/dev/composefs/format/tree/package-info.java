/**
 * The in-memory composefs tree ({@link dev.composefs.format.tree.Tree}, {@link dev.composefs.format.tree.Inode}):
 * what every source produces and every image writer consumes. Names, paths, xattrs and symlink
 * targets are bytes.
 */
package dev.composefs.format.tree;
