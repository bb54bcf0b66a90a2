package dev.composefs.verity.sig;

import java.io.IOException;

/**
 * A private key or certificate that cannot be read or used for fs-verity signatures: a file that is
 * not PEM, an encrypted or unsupported key, a certificate that does not belong to the key.
 */
public class KeyMaterialException extends IOException {
    private static final long serialVersionUID = 1L;

    /** An exception whose message names the file or certificate and what was wrong. */
    public KeyMaterialException(String message) {
        super(message);
    }

    /** An exception with a message and the parser or crypto failure behind it. */
    public KeyMaterialException(String message, Throwable cause) {
        super(message, cause);
    }
}
