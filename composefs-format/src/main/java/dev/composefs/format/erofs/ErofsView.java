package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import java.io.IOException;

/**
 * How one {@link ImageView} presents the inodes of an EROFS image, decided from each inode itself (and
 * its xattrs) whenever it is decoded. Listing a directory asks instead what its check remembered
 * about each entry ({@link ErofsValidator#isRawWhiteout}, {@link ErofsValidator#isEmptyWithXattrs}),
 * so it reads no inode but the rare possible whiteout's. The {@link ImageView#RAW raw
 * view} shows every inode as stored. The {@link ImageView#MOUNTED mounted view} hides character
 * devices with rdev 0 (overlay whiteouts, which overlayfs hides, and composefs' root stubs) and shows
 * an empty regular file carrying both escaped whiteout markers as the whiteout it stands for, a
 * character device 0/0 ({@link OverlayXattrs#isEscapedWhiteout}). An inode the view hides is decoded
 * only as far as that decision needs; its xattrs and data, which the view never serves, are checked
 * when the raw view reads them.
 */
final class ErofsView {
    private final ImageView view;
    private final ErofsValidator validator;

    ErofsView(ImageView view, ErofsValidator validator) {
        this.view = view;
        this.validator = validator;
    }

    /** The view presented. */
    ImageView view() {
        return view;
    }

    /** Whether the view hides {@code inode}. */
    boolean hidden(ErofsInode inode) {
        return view == ImageView.MOUNTED && inode.isRawWhiteout();
    }

    /** Whether the view shows {@code inode}, stored as a regular file, as a whiteout. */
    boolean whiteout(ErofsInode inode) throws IOException {
        return view == ImageView.MOUNTED && inode.type() == FileType.REGULAR && inode.size() == 0
                && inode.xattrSize() > 0 && OverlayXattrs.isEscapedWhiteout(inode, validator.xattrEntries(inode));
    }

    /** The status the view shows for {@code inode}: a whiteout as a character device 0/0 of size 0. */
    Stat stat(ErofsInode inode) throws IOException {
        if (!whiteout(inode)) {
            return inode.stat();
        }
        int mode = FileType.CHAR_DEVICE.modeBits() | (inode.mode() & ~FileType.S_IFMT);
        return new Stat(inode.nid(), mode, inode.nlink(), inode.uid(), inode.gid(), 0, 0,
                inode.mtimeSeconds(), inode.mtimeNanos(), inode.mtimeSeconds(), inode.mtimeNanos());
    }

    /**
     * The status the view shows for an entry of a directory being checked whose inode's status as
     * stored is {@code stored} ({@link ErofsDirectoryCheck#checkEntry}), or {@code null} if the view
     * hides it. Only a possible whiteout, which the check remembered, is decoded again.
     */
    Stat shown(Stat stored) throws IOException {
        if (view == ImageView.RAW) {
            return stored;
        }
        int type = stored.mode() & FileType.S_IFMT;
        if (type == FileType.CHAR_DEVICE.modeBits()) {
            return stored.rdev() == 0 ? null : stored;
        }
        if (type == FileType.REGULAR.modeBits() && stored.size() == 0 && validator.isEmptyWithXattrs(stored.ino())) {
            return stat(validator.inode(stored.ino()));
        }
        return stored;
    }

    /** The file type the view shows for {@code inode}. */
    FileType type(ErofsInode inode) throws IOException {
        return whiteout(inode) ? FileType.CHAR_DEVICE : inode.type();
    }

    /**
     * The file type the view shows for an entry of a checked directory naming {@code nid} with dirent
     * type {@code stored} (which the check guarantees to be the inode's), or {@code null} if the view
     * hides it. Decodes the inode only when the view could present it otherwise than stored: an empty
     * regular file with xattrs; the directory's check remembered which entries those are.
     */
    FileType entryType(long nid, FileType stored) throws IOException {
        if (view == ImageView.RAW || (stored != FileType.CHAR_DEVICE && stored != FileType.REGULAR)) {
            return stored;
        }
        if (stored == FileType.CHAR_DEVICE) {
            return validator.isRawWhiteout(nid) ? null : stored;
        }
        return validator.isEmptyWithXattrs(nid) ? type(validator.inode(nid)) : stored;
    }

    /** Whether the view hides the entry of a checked directory naming {@code nid} with dirent type {@code stored}. */
    boolean hides(long nid, FileType stored) {
        return view == ImageView.MOUNTED && stored == FileType.CHAR_DEVICE && validator.isRawWhiteout(nid);
    }
}
