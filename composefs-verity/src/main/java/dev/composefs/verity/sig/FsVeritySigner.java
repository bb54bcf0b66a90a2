package dev.composefs.verity.sig;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Set;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.IssuerAndSerialNumber;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.asn1.cms.SignerIdentifier;
import org.bouncycastle.asn1.cms.SignerInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes fs-verity built-in signatures exactly as {@code fsverity sign} does: a DER PKCS#7
 * {@code SignedData} (version 1, content type {@code id-data}, detached) with no certificates, no
 * CRLs and one {@code SignerInfo} (version 1, issuer and serial number of the certificate, no
 * authenticated attributes) whose signature covers the {@linkplain FsVerityDigest#formattedDigest()
 * formatted digest}, hashed with the file digest's own algorithm.
 *
 * <p>RSA signatures (PKCS#1 v1.5) are deterministic, so they equal {@code fsverity sign}'s byte for
 * byte; ECDSA signatures differ only in the random signature value. Immutable and thread-safe.
 */
public final class FsVeritySigner {
    private static final byte[] PROBE = "composefs-java key pair check".getBytes(StandardCharsets.US_ASCII);

    private final PrivateKey key;
    private final X509Certificate certificate;
    private final SignerKeyType keyType;
    private final IssuerAndSerialNumber signerId;

    /**
     * A signer with {@code key}, named in each signature by {@code certificate}, which must hold the
     * matching public key (as OpenSSL's {@code PKCS7_sign_add_signer} insists).
     *
     * @throws KeyMaterialException if the key is not RSA or EC or does not belong to the certificate
     */
    public FsVeritySigner(PrivateKey key, X509Certificate certificate) throws KeyMaterialException {
        this.key = Objects.requireNonNull(key, "key");
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        String subject = certificate.getSubjectX500Principal().getName();
        this.keyType = SignerKeyType.of(key, "the private key");
        SignerKeyType certType = SignerKeyType.of(certificate.getPublicKey(), "the public key of certificate " + subject);
        if (certType != keyType) {
            throw new KeyMaterialException("the private key is " + keyType + " but certificate " + subject
                    + " holds an " + certType + " public key");
        }
        checkKeyPair(subject);
        try {
            this.signerId = new IssuerAndSerialNumber(new JcaX509CertificateHolder(certificate).toASN1Structure());
        } catch (CertificateEncodingException e) {
            throw new KeyMaterialException("certificate " + subject + " cannot be encoded: " + e.getMessage(), e);
        }
    }

    /** The certificate that names this signer. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * The DER signature of {@code digest}, as {@code fsverity sign} writes it to its
     * {@code OUT_SIGFILE}.
     *
     * @throws KeyMaterialException if the key cannot sign with the digest's hash algorithm
     */
    public byte[] sign(FsVerityDigest digest) throws KeyMaterialException {
        FsVerityAlgorithm hash = digest.algorithm();
        byte[] value = signatureValue(hash, digest.formattedDigest());
        AlgorithmIdentifier digestAlgorithm = SignerKeyType.digestAlgorithm(hash);
        SignerInfo signerInfo = new SignerInfo(new SignerIdentifier(signerId), digestAlgorithm, (ASN1Set) null,
                keyType.signatureAlgorithm(hash), new DEROctetString(value), (ASN1Set) null);
        SignedData signedData = new SignedData(new DERSet(digestAlgorithm),
                new ContentInfo(CMSObjectIdentifiers.data, null), null, null, new DERSet(signerInfo));
        try {
            return new ContentInfo(CMSObjectIdentifiers.signedData, signedData).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("DER encoding of an in-memory structure failed", e);
        }
    }

    private byte[] signatureValue(FsVerityAlgorithm hash, byte[] payload) throws KeyMaterialException {
        try {
            ContentSigner signer = new JcaContentSignerBuilder(keyType.jcaSignatureName(hash))
                    .setProvider(BouncyCastle.provider()).build(key);
            try (OutputStream out = signer.getOutputStream()) {
                out.write(payload);
            }
            return signer.getSignature();
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw new KeyMaterialException("cannot sign with the " + keyType + " key using "
                    + hash.label() + ": " + e.getMessage(), e);
        }
    }

    /** Signs a probe and checks it with the certificate's public key: the key and certificate must pair. */
    private void checkKeyPair(String subject) throws KeyMaterialException {
        FsVerityAlgorithm hash = FsVerityAlgorithm.SHA256;
        byte[] probeSignature = signatureValue(hash, PROBE);
        boolean matches;
        try {
            Signature check = Signature.getInstance(keyType.jcaSignatureName(hash), BouncyCastle.provider());
            check.initVerify(certificate.getPublicKey());
            check.update(PROBE);
            matches = check.verify(probeSignature);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyMaterialException("cannot check the private key against certificate " + subject
                    + ": " + e.getMessage(), e);
        }
        if (!matches) {
            throw new KeyMaterialException("the private key does not match certificate " + subject);
        }
    }
}
