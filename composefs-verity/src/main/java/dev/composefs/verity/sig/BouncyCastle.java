package dev.composefs.verity.sig;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one Bouncy Castle provider instance this package hands to BC's JCA builders. It is never
 * added to {@link java.security.Security}, so the application's provider list stays untouched.
 */
final class BouncyCastle {
    private BouncyCastle() {
    }

    /** The shared provider, created on first use (building it takes a noticeable fraction of a second). */
    static Provider provider() {
        return Holder.PROVIDER;
    }

    private static final class Holder {
        static final Provider PROVIDER = new BouncyCastleProvider();
    }
}
