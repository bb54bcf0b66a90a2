/**
 * fs-verity digests, Merkle trees, verified reading and built-in signatures.
 */
module dev.composefs.verity {
    exports dev.composefs.verity;
}
