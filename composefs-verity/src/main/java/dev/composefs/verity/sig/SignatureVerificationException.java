package dev.composefs.verity.sig;

import dev.composefs.verity.VerityException;

/**
 * A built-in signature that does not prove an fs-verity digest: malformed or truncated DER, a
 * signature that is not a detached PKCS#7 {@code SignedData} over {@code id-data}, a signer that is
 * none of the trusted certificates, or a signature value that does not verify for the digest (a
 * different file, altered bytes or another key).
 */
public class SignatureVerificationException extends VerityException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message names the signature (file) and what was wrong. */
    public SignatureVerificationException(String message) {
        super(message);
    }

    /** An exception with a message and the parser or crypto failure behind it. */
    public SignatureVerificationException(String message, Throwable cause) {
        super(message, cause);
    }
}
