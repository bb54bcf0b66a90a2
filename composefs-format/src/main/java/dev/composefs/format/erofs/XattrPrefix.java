package dev.composefs.format.erofs;

import dev.composefs.format.tree.Name;
import java.nio.charset.StandardCharsets;

/**
 * The EROFS xattr name prefixes ({@code EROFS_XATTR_INDEX_*}): an xattr entry stores a prefix index and
 * the rest of the name (the suffix), or index 0 and the whole name.
 */
public enum XattrPrefix {
    /** Index 0: no prefix, the entry holds the full name. */
    NONE(0, ""),
    /** {@code EROFS_XATTR_INDEX_USER}. */
    USER(1, "user."),
    /** {@code EROFS_XATTR_INDEX_POSIX_ACL_ACCESS}. */
    POSIX_ACL_ACCESS(2, "system.posix_acl_access"),
    /** {@code EROFS_XATTR_INDEX_POSIX_ACL_DEFAULT}. */
    POSIX_ACL_DEFAULT(3, "system.posix_acl_default"),
    /** {@code EROFS_XATTR_INDEX_TRUSTED}. */
    TRUSTED(4, "trusted."),
    /** {@code EROFS_XATTR_INDEX_LUSTRE}: readers know it, but the composefs C writer never uses it. */
    LUSTRE(5, "lustre."),
    /** {@code EROFS_XATTR_INDEX_SECURITY}. */
    SECURITY(6, "security.");

    private final int index;
    private final byte[] prefix;

    XattrPrefix(int index, String prefix) {
        this.index = index;
        this.prefix = prefix.getBytes(StandardCharsets.US_ASCII);
    }

    /** The {@code e_name_index} value. */
    public int index() {
        return index;
    }

    /** The prefix bytes (a copy). */
    public byte[] prefix() {
        return prefix.clone();
    }

    /** The length of the prefix. */
    public int prefixLength() {
        return prefix.length;
    }

    /** The prefix with index {@code index}, or {@code null} for an unknown index. */
    public static XattrPrefix ofIndex(int index) {
        for (XattrPrefix p : values()) {
            if (p.index == index) {
                return p;
            }
        }
        return null;
    }

    /** The order in which the composefs writer tries the prefixes; the first match wins. */
    private static final XattrPrefix[] WRITER_ORDER = {USER, POSIX_ACL_ACCESS, POSIX_ACL_DEFAULT, TRUSTED, SECURITY};

    /**
     * The prefix the composefs C writer stores {@code name} under: the first of {@code user.},
     * {@code system.posix_acl_access}, {@code system.posix_acl_default}, {@code trusted.},
     * {@code security.} that starts the name, else {@link #NONE}. {@code lustre.} is never chosen.
     */
    public static XattrPrefix forWriting(Name name) {
        for (XattrPrefix p : WRITER_ORDER) {
            if (name.length() >= p.prefix.length && startsWith(name, p.prefix)) {
                return p;
            }
        }
        return NONE;
    }

    private static boolean startsWith(Name name, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (name.byteAt(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
