package dev.composefs.verity.sig;

import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.SignedData;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignerDigestMismatchException;
import org.bouncycastle.cms.SignerId;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.operator.OperatorCreationException;

/**
 * Checks fs-verity built-in signatures in userspace, as the kernel does against its
 * {@code .fs-verity} keyring: the signature must be a detached PKCS#7 {@code SignedData} over
 * {@code id-data}, every signer must be one of the trusted certificates (matched by issuer and serial
 * number, or subject key identifier), and every signature must verify over the
 * {@linkplain FsVerityDigest#formattedDigest() formatted digest}.
 *
 * <p>Certificates carried inside the signature are ignored: only the trusted set counts. Like the
 * kernel, validity dates and key usage of the trusted certificates are not checked; trusting a
 * certificate is the caller's decision. Immutable and thread-safe.
 */
public final class FsVeritySignatureVerifier {
    /** The largest signature the kernel accepts ({@code FS_VERITY_MAX_SIGNATURE_SIZE}); larger ones are refused unread. */
    public static final int MAX_SIGNATURE_SIZE = 16128;

    private final List<X509Certificate> trusted;
    private final List<X509CertificateHolder> trustedHolders;

    /**
     * A verifier that accepts signatures by any of {@code trusted}.
     *
     * @throws IllegalArgumentException if {@code trusted} is empty or a certificate cannot be encoded
     */
    public FsVeritySignatureVerifier(Collection<X509Certificate> trusted) {
        if (trusted.isEmpty()) {
            throw new IllegalArgumentException("no trusted certificates given");
        }
        this.trusted = List.copyOf(trusted);
        List<X509CertificateHolder> holders = new ArrayList<>(this.trusted.size());
        for (X509Certificate c : this.trusted) {
            try {
                holders.add(new JcaX509CertificateHolder(c));
            } catch (CertificateEncodingException e) {
                throw new IllegalArgumentException("certificate " + c.getSubjectX500Principal().getName()
                        + " cannot be encoded: " + e.getMessage(), e);
            }
        }
        this.trustedHolders = List.copyOf(holders);
    }

    /** The trusted certificates. */
    public List<X509Certificate> trustedCertificates() {
        return trusted;
    }

    /**
     * Verifies the signature in {@code signatureFile} (raw DER, as {@code fsverity sign} writes it)
     * for {@code digest}; messages name the file.
     *
     * @return the trusted certificate of the (first) signer
     * @throws SignatureVerificationException if the signature does not prove the digest
     * @throws IOException if the file cannot be read
     */
    public X509Certificate verify(FsVerityDigest digest, Path signatureFile) throws IOException {
        byte[] der;
        try (InputStream in = Files.newInputStream(signatureFile)) {
            der = in.readNBytes(MAX_SIGNATURE_SIZE + 1);
        }
        return verify(digest, der, signatureFile.toString());
    }

    /**
     * Verifies the DER {@code signature} for {@code digest}.
     *
     * @return the trusted certificate of the (first) signer
     * @throws SignatureVerificationException if the signature does not prove the digest
     */
    public X509Certificate verify(FsVerityDigest digest, byte[] signature) throws SignatureVerificationException {
        return verify(digest, signature, "signature");
    }

    private X509Certificate verify(FsVerityDigest digest, byte[] der, String source)
            throws SignatureVerificationException {
        if (der.length > MAX_SIGNATURE_SIZE) {
            throw new SignatureVerificationException(source + ": signature is larger than the kernel's limit of "
                    + MAX_SIGNATURE_SIZE + " bytes");
        }
        List<SignerInformation> signers = parse(der, digest.formattedDigest(), source);
        X509Certificate first = null;
        for (SignerInformation signer : signers) {
            int index = trustedIndex(signer.getSID());
            if (index < 0) {
                throw new SignatureVerificationException(source + ": signed by " + describe(signer.getSID())
                        + ", which is not one of the trusted certificates");
            }
            checkSignature(signer, trusted.get(index), digest, source);
            if (first == null) {
                first = trusted.get(index);
            }
        }
        return first;
    }

    /** Parses and checks the envelope: a detached SignedData over id-data with at least one signer. */
    private static List<SignerInformation> parse(byte[] der, byte[] payload, String source)
            throws SignatureVerificationException {
        if (startsWithPem(der)) {
            throw malformed(source, "it is PEM text; fs-verity signatures are raw DER");
        }
        String problem = DerLayout.problem(der);
        if (problem != null) {
            throw malformed(source, problem);
        }
        ContentInfo contentInfo;
        try {
            contentInfo = ContentInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports hostile DER with IOException or with assorted runtime exceptions.
            throw malformed(source, e);
        }
        if (!CMSObjectIdentifiers.signedData.equals(contentInfo.getContentType())) {
            throw malformed(source, "content type is " + contentInfo.getContentType().getId()
                    + ", not PKCS#7 signedData");
        }
        if (contentInfo.getContent() == null) {
            throw malformed(source, "the SignedData is missing");
        }
        ContentInfo encapsulated;
        try {
            encapsulated = SignedData.getInstance(contentInfo.getContent()).getEncapContentInfo();
        } catch (RuntimeException e) {
            throw malformed(source, e);
        }
        if (!CMSObjectIdentifiers.data.equals(encapsulated.getContentType())) {
            throw malformed(source, "signed content type is " + encapsulated.getContentType().getId()
                    + ", not id-data");
        }
        if (encapsulated.getContent() != null) {
            throw malformed(source, "the signature carries its content; fs-verity signatures are detached");
        }
        List<SignerInformation> signers;
        try {
            CMSSignedData signedData = new CMSSignedData(new CMSProcessableByteArray(payload), contentInfo);
            signers = new ArrayList<>(signedData.getSignerInfos().getSigners());
        } catch (CMSException | RuntimeException e) {
            throw malformed(source, e);
        }
        if (signers.isEmpty()) {
            throw malformed(source, "it has no signer");
        }
        return signers;
    }

    private void checkSignature(SignerInformation signer, X509Certificate cert, FsVerityDigest digest, String source)
            throws SignatureVerificationException {
        String subject = cert.getSubjectX500Principal().getName();
        boolean valid;
        try {
            valid = signer.verify(new JcaSimpleSignerInfoVerifierBuilder()
                    .setProvider(BouncyCastle.provider()).build(cert));
        } catch (CMSSignerDigestMismatchException e) {
            valid = false;
        } catch (OperatorCreationException | CMSException | RuntimeException e) {
            throw new SignatureVerificationException(source + ": signature by " + subject
                    + " cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new SignatureVerificationException(source + ": signature by " + subject + " does not verify for "
                    + digest + " (it was made for another digest, or altered)");
        }
    }

    private static boolean startsWithPem(byte[] der) {
        byte[] pem = "-----BEGIN".getBytes(StandardCharsets.US_ASCII);
        return der.length >= pem.length && Arrays.equals(der, 0, pem.length, pem, 0, pem.length);
    }

    private int trustedIndex(SignerId sid) {
        for (int i = 0; i < trustedHolders.size(); i++) {
            if (sid.match(trustedHolders.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String describe(SignerId sid) {
        if (sid.getIssuer() != null) {
            return "issuer " + sid.getIssuer() + " serial " + sid.getSerialNumber().toString(16);
        }
        return "subject key identifier " + HexFormat.of().formatHex(sid.getSubjectKeyIdentifier());
    }

    private static SignatureVerificationException malformed(String source, String reason) {
        return new SignatureVerificationException(source + ": malformed PKCS#7 signature: " + reason);
    }

    private static SignatureVerificationException malformed(String source, Exception cause) {
        String reason = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new SignatureVerificationException(source + ": malformed PKCS#7 signature: " + reason, cause);
    }
}
