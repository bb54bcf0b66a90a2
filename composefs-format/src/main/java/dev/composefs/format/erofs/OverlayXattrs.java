package dev.composefs.format.erofs;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The overlayfs xattrs of composefs images and how the mounted view interprets them (erofs.md 3.2 and
 * 3.9): {@code trusted.overlay.redirect} and {@code trusted.overlay.metacopy} locate an external file's
 * content; {@code trusted.overlay.overlay.*} is an escaped user xattr; a whiteout is stored as an empty
 * regular file marked {@code trusted.overlay.overlay.whiteout} and {@code user.overlay.whiteout}, its
 * directory marked {@code trusted.overlay.overlay.whiteouts} and {@code user.overlay.whiteouts} (and
 * from format version 1 also {@code opaque=x} under both names).
 *
 * <p>The markers are recognised only in the combinations the writer produces (both names present), so
 * a user's own {@code trusted.overlay.whiteout} xattr on an ordinary file survives a round trip; the
 * reference C reader drops the {@code user.overlay.whiteout(s)} names unconditionally instead.
 */
final class OverlayXattrs {
    private static final byte[] TRUSTED_OVERLAY = ascii("trusted.overlay.");
    private static final byte[] ESCAPED = ascii("trusted.overlay.overlay.");
    private static final Name METACOPY = Name.of("trusted.overlay.metacopy");
    private static final Name REDIRECT = Name.of("trusted.overlay.redirect");
    private static final Name ESCAPED_WHITEOUT = Name.of("trusted.overlay.overlay.whiteout");
    private static final Name USER_WHITEOUT = Name.of("user.overlay.whiteout");
    private static final Name ESCAPED_WHITEOUTS = Name.of("trusted.overlay.overlay.whiteouts");
    private static final Name USER_WHITEOUTS = Name.of("user.overlay.whiteouts");
    private static final Name ESCAPED_OPAQUE = Name.of("trusted.overlay.overlay.opaque");
    private static final Name USER_OPAQUE = Name.of("user.overlay.opaque");
    private static final byte[] OPAQUE_X = ascii("x");
    /** Size of {@code struct ovl_metacopy} without the digest: version, len, flags, digest_algo. */
    private static final int METACOPY_HEADER = 4;
    /** The largest digest an ovl_metacopy holds (SHA-512). */
    private static final int MAX_DIGEST = 64;
    /** {@code PATH_MAX}: the longest redirect overlayfs follows. */
    private static final int PATH_MAX = 4096;

    private OverlayXattrs() {
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static Xattr find(List<Xattr> xattrs, Name name) {
        for (Xattr x : xattrs) {
            if (x.name().equals(name)) {
                return x;
            }
        }
        return null;
    }

    private static ErofsXattrs.Entry findEntry(List<ErofsXattrs.Entry> entries, Name name) {
        for (ErofsXattrs.Entry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /** Whether an inode with these stored xattrs is a whiteout the writer escaped into a regular file. */
    static boolean isEscapedWhiteout(ErofsInode inode, List<ErofsXattrs.Entry> stored) {
        return inode.type() == FileType.REGULAR && inode.size() == 0
                && findEntry(stored, ESCAPED_WHITEOUT) != null && findEntry(stored, USER_WHITEOUT) != null;
    }

    /** Whether an inode with these stored xattrs is an external file: its data is in a backing file. */
    static boolean isExternal(List<ErofsXattrs.Entry> stored) {
        return findEntry(stored, METACOPY) != null;
    }

    /** The xattrs the mounted view shows for an inode with these stored xattrs. */
    static List<Xattr> mounted(List<Xattr> stored, boolean whiteout) {
        boolean whiteoutDirectory = find(stored, ESCAPED_WHITEOUTS) != null && find(stored, USER_WHITEOUTS) != null;
        Xattr opaque = find(stored, ESCAPED_OPAQUE);
        Xattr userOpaque = find(stored, USER_OPAQUE);
        boolean markedOpaque = whiteoutDirectory && opaque != null && userOpaque != null
                && opaque.valueEquals(OPAQUE_X, 0, 1) && userOpaque.valueEquals(OPAQUE_X, 0, 1);
        List<Xattr> result = new ArrayList<>(stored.size());
        for (Xattr x : stored) {
            Name name = x.name();
            if ((whiteout && (name.equals(ESCAPED_WHITEOUT) || name.equals(USER_WHITEOUT)))
                    || (whiteoutDirectory && (name.equals(ESCAPED_WHITEOUTS) || name.equals(USER_WHITEOUTS)))
                    || (markedOpaque && (name.equals(ESCAPED_OPAQUE) || name.equals(USER_OPAQUE)))) {
                continue;
            }
            if (startsWith(name, ESCAPED)) {
                byte[] b = name.bytes();
                byte[] unescaped = new byte[b.length - (ESCAPED.length - TRUSTED_OVERLAY.length)];
                System.arraycopy(TRUSTED_OVERLAY, 0, unescaped, 0, TRUSTED_OVERLAY.length);
                System.arraycopy(b, ESCAPED.length, unescaped, TRUSTED_OVERLAY.length, b.length - ESCAPED.length);
                result.add(Xattr.of(Name.of(unescaped), x.value()));
            } else if (!startsWith(name, TRUSTED_OVERLAY)) {
                result.add(x);
            }
        }
        return List.copyOf(result);
    }

    /**
     * The backing file of an external file: the redirect without its one leading {@code /} and the
     * digest of the metacopy. A file without a redirect (written from a tree without a backing path)
     * has an empty path.
     *
     * @throws dev.composefs.format.image.CorruptImageException if the metacopy is malformed or the
     *                                                         redirect is empty, longer than
     *                                                         {@code PATH_MAX}, has NUL or a {@code ..}
     */
    static Content.Backing backing(ImageData data, ErofsXattrs xattrs, ErofsInode inode, List<ErofsXattrs.Entry> stored)
            throws IOException {
        FsVerityDigest digest = digest(data, xattrs, inode, findEntry(stored, METACOPY));
        ErofsXattrs.Entry redirect = findEntry(stored, REDIRECT);
        if (redirect == null) {
            return new Content.Backing(new byte[0], digest);
        }
        if (redirect.valueLength() > PATH_MAX) {
            throw data.corrupt(redirect.valueOffset(), inode.nid(), "trusted.overlay.redirect of "
                    + redirect.valueLength() + " bytes is longer than PATH_MAX");
        }
        byte[] r = xattrs.value(redirect);
        byte[] path = r.length > 0 && r[0] == '/' ? Arrays.copyOfRange(r, 1, r.length) : r;
        if (path.length == 0) {
            throw data.corrupt(redirect.valueOffset(), inode.nid(), "trusted.overlay.redirect names no path");
        }
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i < path.length && path[i] == 0) {
                throw data.corrupt(redirect.valueOffset(), inode.nid(), "trusted.overlay.redirect contains NUL");
            }
            if (i == path.length || path[i] == '/') {
                if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
                    throw data.corrupt(redirect.valueOffset(), inode.nid(), "trusted.overlay.redirect '"
                            + Name.of(path) + "' has a '..' component");
                }
                start = i + 1;
            }
        }
        return new Content.Backing(path, digest);
    }

    /** The digest of a {@code struct ovl_metacopy} value: none when empty or without digest. */
    private static FsVerityDigest digest(ImageData data, ErofsXattrs xattrs, ErofsInode inode, ErofsXattrs.Entry metacopy)
            throws IOException {
        if (metacopy == null || metacopy.valueLength() == 0) {
            return null;
        }
        String problem;
        if (metacopy.valueLength() > METACOPY_HEADER + MAX_DIGEST) {
            problem = "is longer than any ovl_metacopy";
        } else {
            byte[] v = xattrs.value(metacopy);
            if (v.length < METACOPY_HEADER || v[0] != 0 || (v[1] & 0xff) != v.length) {
                problem = "is not a version-0 ovl_metacopy of its own length";
            } else if (v.length == METACOPY_HEADER) {
                return null;
            } else {
                for (FsVerityAlgorithm a : FsVerityAlgorithm.values()) {
                    if ((v[3] & 0xff) == a.id() && v.length == METACOPY_HEADER + a.digestLength()) {
                        return FsVerityDigest.of(a, Arrays.copyOfRange(v, METACOPY_HEADER, v.length));
                    }
                }
                problem = "has digest algorithm " + (v[3] & 0xff) + " with " + (v.length - METACOPY_HEADER) + " digest bytes";
            }
        }
        throw data.corrupt(metacopy.valueOffset(), inode.nid(), "trusted.overlay.metacopy of " + metacopy.valueLength()
                + " bytes " + problem);
    }

    private static boolean startsWith(Name name, byte[] prefix) {
        if (name.length() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (name.byteAt(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
