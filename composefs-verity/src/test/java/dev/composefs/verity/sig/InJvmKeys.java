package dev.composefs.verity.sig;

import dev.composefs.verity.FsVerityDigest;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Key pairs with self-signed certificates made inside the JVM, for tests that must run without
 * {@code openssl} (property tests).
 */
record InJvmKeys(KeyPair keyPair, X509Certificate certificate) {

    /** An RSA 2048 key pair and certificate. */
    static InJvmKeys rsa(String commonName) {
        return create("RSA", 2048, null, "SHA256withRSA", commonName);
    }

    /** An EC P-256 key pair and certificate. */
    static InJvmKeys ec(String commonName) {
        return create("EC", 0, "secp256r1", "SHA256withECDSA", commonName);
    }

    private static InJvmKeys create(String type, int bits, String curve, String certSignature, String commonName) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(new ECGenParameterSpec(curve));
            } else {
                generator.initialize(bits);
            }
            KeyPair pair = generator.generateKeyPair();
            X500Name name = new X500Name("CN=" + commonName);
            long now = System.currentTimeMillis();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), new Date(now - 86_400_000L),
                    new Date(now + 30 * 86_400_000L), name, pair.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter().setProvider(BouncyCastle.provider())
                    .getCertificate(builder.build(new JcaContentSignerBuilder(certSignature)
                            .setProvider(BouncyCastle.provider()).build(pair.getPrivate())));
            return new InJvmKeys(pair, cert);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This key pair's signature of {@code digest}. */
    byte[] sign(FsVerityDigest digest) {
        try {
            return signer().sign(digest);
        } catch (KeyMaterialException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signer for this key pair. */
    FsVeritySigner signer() {
        try {
            return new FsVeritySigner(keyPair.getPrivate(), certificate);
        } catch (KeyMaterialException e) {
            throw new IllegalStateException(e);
        }
    }
}
