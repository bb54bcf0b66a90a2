package dev.composefs.verity.sig;

import dev.composefs.verity.FsVerityAlgorithm;
import java.security.Key;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The key types fs-verity signatures are made with, and the algorithm identifiers OpenSSL's
 * {@code PKCS7_sign} writes for them, so that our {@code SignerInfo} is byte-identical to
 * {@code fsverity sign}'s.
 */
enum SignerKeyType {
    /** RSA with PKCS#1 v1.5 padding; the SignerInfo names {@code rsaEncryption}, not {@code sha256WithRSA}. */
    RSA("RSA"),
    /** ECDSA; the SignerInfo names {@code ecdsa-with-SHA256}/{@code -SHA512} without parameters. */
    EC("ECDSA");

    private final String jcaSuffix;

    SignerKeyType(String jcaSuffix) {
        this.jcaSuffix = jcaSuffix;
    }

    /**
     * The type of {@code key}.
     *
     * @param what names the key in the error message, e.g. the file it came from
     * @throws KeyMaterialException for anything but an RSA or EC key
     */
    static SignerKeyType of(Key key, String what) throws KeyMaterialException {
        switch (key.getAlgorithm()) {
            case "RSA":
                return RSA;
            case "EC":
            case "ECDSA":
                return EC;
            default:
                throw new KeyMaterialException(what + " is of type " + key.getAlgorithm()
                        + "; fs-verity signatures are made with RSA or EC keys");
        }
    }

    /** The JCA signature algorithm hashing with {@code hash}, e.g. {@code SHA256withRSA}. */
    String jcaSignatureName(FsVerityAlgorithm hash) {
        return hash.jcaName().replace("-", "") + "with" + jcaSuffix;
    }

    /**
     * The {@code signatureAlgorithm} of the SignerInfo. OpenSSL writes {@code rsaEncryption} with
     * NULL parameters for RSA and the combined ECDSA OID with absent parameters for EC.
     */
    AlgorithmIdentifier signatureAlgorithm(FsVerityAlgorithm hash) {
        if (this == RSA) {
            return new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE);
        }
        return new AlgorithmIdentifier(hash == FsVerityAlgorithm.SHA256
                ? X9ObjectIdentifiers.ecdsa_with_SHA256 : X9ObjectIdentifiers.ecdsa_with_SHA512);
    }

    /**
     * The {@code digestAlgorithm} of the SignerInfo and SignedData: OpenSSL writes the SHA-2 OIDs
     * with explicit NULL parameters (RFC 5754 allows both forms; byte equality needs this one).
     */
    static AlgorithmIdentifier digestAlgorithm(FsVerityAlgorithm hash) {
        return new AlgorithmIdentifier(hash == FsVerityAlgorithm.SHA256
                ? NISTObjectIdentifiers.id_sha256 : NISTObjectIdentifiers.id_sha512, DERNull.INSTANCE);
    }
}
