/**
 * fs-verity digests, Merkle trees, verified reading and built-in signatures.
 */
module dev.composefs.verity {
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.util;

    exports dev.composefs.verity;
    exports dev.composefs.verity.sig;
}
