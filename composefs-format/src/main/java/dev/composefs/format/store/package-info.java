/**
 * The composefs object store ({@link dev.composefs.format.store.ObjectStore}): content-addressed
 * backing files named by their fs-verity digest, written atomically and shared by many images.
 */
package dev.composefs.format.store;
