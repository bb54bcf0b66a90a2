/**
 * fs-verity built-in signatures: the detached PKCS#7 {@code SignedData} over an
 * {@code fsverity_formatted_digest} that the kernel checks against its {@code .fs-verity} keyring
 * and that {@code fsverity sign} (fsverity-utils) writes.
 *
 * <p>{@link dev.composefs.verity.sig.FsVeritySigner} writes such signatures byte for byte as
 * {@code fsverity sign} does; {@link dev.composefs.verity.sig.FsVeritySignatureVerifier} checks one
 * in userspace against a set of trusted certificates; {@link dev.composefs.verity.sig.PemFiles}
 * loads the keys and certificates. Failures are {@link java.io.IOException}s:
 * {@link dev.composefs.verity.sig.SignatureVerificationException} for a signature that does not
 * prove the digest, {@link dev.composefs.verity.sig.KeyMaterialException} for an unusable key or
 * certificate.
 *
 * <p>Bouncy Castle does the ASN.1 and cryptography through a private provider instance; nothing here
 * registers a JCA provider globally.
 */
package dev.composefs.verity.sig;
