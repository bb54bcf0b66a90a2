package dev.composefs.format.image;

/**
 * Which tree an {@link Image} presents. The descriptor format stores the tree as it is, so both views of
 * a descriptor are the same; an EROFS composefs image stores bookkeeping for overlayfs besides the tree,
 * and the views differ in whether that bookkeeping is interpreted.
 */
public enum ImageView {
    /**
     * The tree composefs presents when the image is mounted (the default): the 256 root stubs
     * {@code 00}..{@code ff} and other character devices with rdev 0 hidden; overlay-internal xattrs
     * ({@code trusted.overlay.metacopy}, {@code trusted.overlay.redirect}, the root's
     * {@code trusted.overlay.opaque}, any other unescaped {@code trusted.overlay.*}) hidden; escaped
     * {@code trusted.overlay.overlay.*} xattrs shown as {@code trusted.overlay.*}; whiteouts, which the
     * image stores as escaped empty regular files, shown as the character devices 0/0 an overlay
     * stacked on the mount sees, with their marker xattrs hidden; and an external file's content as
     * {@link Content.Backing} with the backing path of its redirect and the digest of its metacopy.
     * This is the tree the image was made from.
     */
    MOUNTED,
    /**
     * The filesystem exactly as stored, as a plain EROFS mount shows it: every entry and every xattr,
     * stubs and escaped names included. Regular files whose data EROFS stores only as holes (composefs
     * external files) still report their backing file as {@link Content.Backing}; their overlay
     * xattrs are listed as stored.
     */
    RAW
}
