/**
 * fs-verity in pure Java: digests bit-exact with the Linux kernel and {@code fsverity digest}
 * ({@link dev.composefs.verity.FsVerityDigest}, {@link dev.composefs.verity.FsVerityParameters}),
 * the Merkle tree and descriptor they are computed from, and verified reading of files whose
 * content must hash up to an expected digest.
 */
package dev.composefs.verity;
