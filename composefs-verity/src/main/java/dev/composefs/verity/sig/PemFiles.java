package dev.composefs.verity.sig;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reads the PEM files {@code fsverity sign} takes: an unencrypted private key ({@code PRIVATE KEY},
 * i.e. PKCS#8, or the traditional {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY}) and X.509
 * certificates ({@code CERTIFICATE} blocks; a lone DER certificate is accepted too). Errors name the
 * file and what was found instead.
 */
public final class PemFiles {
    /** Key and certificate files larger than this are refused unread; real ones are a few KiB. */
    public static final int MAX_FILE_SIZE = 1 << 20;

    private PemFiles() {
    }

    /**
     * The first private key in {@code file}, skipping other blocks (such as {@code EC PARAMETERS}).
     *
     * @throws KeyMaterialException if the file holds no usable unencrypted private key
     * @throws IOException if it cannot be read
     */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        byte[] bytes = read(file);
        checkBlocks(bytes, file);
        try (PEMParser parser = parser(bytes)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter().setProvider(BouncyCastle.provider());
            for (Object o = next(parser, file); o != null; o = next(parser, file)) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
                if (o instanceof PKCS8EncryptedPrivateKeyInfo || o instanceof PEMEncryptedKeyPair) {
                    throw new KeyMaterialException(file + ": the private key is encrypted; give an unencrypted key");
                }
            }
        } catch (KeyMaterialException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // PEMException (an IOException) and BC's runtime exceptions both mean unusable key bytes.
            throw new KeyMaterialException(file + ": not a usable private key: " + e.getMessage(), e);
        }
        throw new KeyMaterialException(file + ": no private key found (expected PEM PRIVATE KEY, "
                + "RSA PRIVATE KEY or EC PRIVATE KEY)");
    }

    /**
     * The first certificate in {@code file}.
     *
     * @throws KeyMaterialException if the file holds no certificate
     * @throws IOException if it cannot be read
     */
    public static X509Certificate readCertificate(Path file) throws IOException {
        return readCertificates(file).get(0);
    }

    /**
     * All certificates in {@code file}, in order: every PEM {@code CERTIFICATE} block (other blocks are
     * skipped) or, for a file that is not PEM, the one DER certificate it holds.
     *
     * @throws KeyMaterialException if the file holds no certificate or a corrupt one
     * @throws IOException if it cannot be read
     */
    public static List<X509Certificate> readCertificates(Path file) throws IOException {
        byte[] bytes = read(file);
        boolean pem = checkBlocks(bytes, file);
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter().setProvider(BouncyCastle.provider());
        List<X509Certificate> certs = new ArrayList<>();
        try {
            try (PEMParser parser = parser(bytes)) {
                for (Object o = next(parser, file); o != null; o = next(parser, file)) {
                    if (o instanceof X509CertificateHolder holder) {
                        certs.add(converter.getCertificate(holder));
                    }
                }
            }
            if (!pem && bytes.length > 0 && bytes[0] == 0x30) {
                String problem = DerLayout.problem(bytes);
                if (problem != null) {
                    throw new KeyMaterialException(file + ": not a DER certificate: " + problem);
                }
                certs.add(converter.getCertificate(new X509CertificateHolder(bytes)));
            }
        } catch (KeyMaterialException e) {
            throw e;
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new KeyMaterialException(file + ": not a usable X.509 certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new KeyMaterialException(file + ": no certificate found (expected PEM CERTIFICATE blocks "
                    + "or one DER certificate)");
        }
        return certs;
    }

    /**
     * Checks the DER inside every PEM block before {@link PEMParser} parses it (its parser recurses
     * once per nesting level); returns whether the file has any PEM block.
     */
    private static boolean checkBlocks(byte[] bytes, Path file) throws KeyMaterialException {
        int index = 0;
        try (PemReader reader = new PemReader(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)))) {
            for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
                index++;
                String problem = DerLayout.problem(block.getContent());
                if (problem != null) {
                    throw new KeyMaterialException(file + ": PEM block " + index + " (" + block.getType()
                            + ") is not valid DER: " + problem);
                }
            }
        } catch (KeyMaterialException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException(file + ": corrupt PEM block " + (index + 1) + ": " + e.getMessage(), e);
        }
        return index > 0;
    }

    /** A parser over the file's bytes; PEM is ASCII, and ISO-8859-1 maps every other byte losslessly. */
    private static PEMParser parser(byte[] bytes) {
        return new PEMParser(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
    }

    /** The next PEM object; a block with an unknown label is an error naming the file. */
    private static Object next(PEMParser parser, Path file) throws IOException {
        try {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new KeyMaterialException(file + ": corrupt PEM block: " + e.getMessage(), e);
        }
    }

    private static byte[] read(Path file) throws IOException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_SIZE + 1);
        }
        if (bytes.length > MAX_FILE_SIZE) {
            throw new KeyMaterialException(file + ": larger than " + MAX_FILE_SIZE + " bytes; not a key or certificate file");
        }
        return bytes;
    }
}
