package dev.composefs.format.erofs;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.image.Stat;
import dev.composefs.format.image.UnsupportedImageException;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Reads an EROFS composefs image (composefs 1.x, format versions 0, 1 and composefs-rs' 2), or any
 * uncompressed EROFS image with 4096-byte blocks, through {@link ImageData}.
 *
 * <p>{@link #open} costs constant time: it checks the composefs header and superblock
 * ({@link ErofsVolume}) and the root inode, and allocates nothing per inode. Everything else is
 * checked when a call first reaches it, by {@link ErofsValidator}: each inode when it is decoded, each
 * directory the first time it is searched, or along its first listing, entry by entry (remembered
 * from then on; the listing hands out the status of each entry it decoded), a symlink target, the
 * xattrs or the content when they are read. So a damaged part of the image makes the calls that
 * reach it fail with a {@link CorruptImageException}, a walk of every entry meets every rule, and
 * the directories served from the root form a tree, so no walk loops or multiplies (see
 * {@link ErofsValidator}).
 *
 * <p>Inode numbers are nids (the inode's byte offset from the inode area / 32), so they are sparse:
 * walk from {@link #rootInode()} rather than counting up to {@link #inodeCount()}. The reader cannot
 * tell, without a walk, whether a nid is one the tree reaches: a nid whose slot lies outside the file
 * (or a hidden inode, in the mounted view) is refused with an {@link IllegalArgumentException}; any
 * other is decoded and checked like every inode, so a nid that does not start an inode gives a
 * {@link CorruptImageException} (or, by chance, the well-formed answers of whatever its bytes hold).
 * Use the numbers {@link #rootInode}, {@link #lookup} and the cursors give.
 *
 * <p>The reader presents one {@link ImageView}: the {@link ImageView#MOUNTED mounted view} (the tree the
 * image was made from; the default) or the {@link ImageView#RAW raw view} (the EROFS tree as stored),
 * as {@link ErofsView} decides from each inode. Inodes are decoded from the mapped file on every call;
 * the only memory is which directories passed their check, so the reader is safe for concurrent use.
 */
public final class ErofsReader implements Image {
    private final ImageData data;
    private final ErofsVolume volume;
    private final ErofsXattrs xattrs;
    private final ErofsValidator validator;
    private final ErofsView view;

    private ErofsReader(ImageData data, ErofsVolume volume, ErofsXattrs xattrs, ErofsValidator validator,
                        ErofsView view) {
        this.data = data;
        this.volume = volume;
        this.xattrs = xattrs;
        this.validator = validator;
        this.view = view;
    }

    /** Opens an image in the mounted view, like {@link #open(ImageData, ImageView)}. */
    public static ErofsReader open(ImageData data) throws IOException {
        return open(data, ImageView.MOUNTED);
    }

    /**
     * Opens an image, checking its header, superblock and root inode. The reader owns {@code data} from
     * then on; on failure {@code data} is left open for the caller to close.
     *
     * @throws UnsupportedImageException if neither magic is present, the composefs header version is
     *                                   not 1, or the image uses EROFS features composefs never uses
     *                                   (compression, other block sizes, extra devices, ...)
     * @throws CorruptImageException     if the superblock or the root inode is damaged
     */
    public static ErofsReader open(ImageData data, ImageView view) throws IOException {
        Objects.requireNonNull(view, "view");
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsXattrs xattrs = new ErofsXattrs(data, volume);
        ErofsValidator validator = new ErofsValidator(data, volume, xattrs);
        validator.root();
        return new ErofsReader(data, volume, xattrs, validator, new ErofsView(view, validator));
    }

    /** The view this reader presents. */
    public ImageView view() {
        return view.view();
    }

    /**
     * The composefs format version in the header (0 or 1, 2 for composefs-rs' own), or -1 for a plain
     * EROFS image without a composefs header.
     */
    public int composefsVersion() {
        return volume.composefsVersion();
    }

    /** Inode {@code ino}, decoded and checked; see the class comment for the numbers accepted. */
    private ErofsInode inode(long ino) throws IOException {
        if (!validator.inFile(ino)) {
            throw new IllegalArgumentException(data.file() + ": no inode " + ino + ": its slot lies outside the file");
        }
        ErofsInode inode = validator.inode(ino);
        if (view.hidden(inode)) {
            throw new IllegalArgumentException(data.file() + ": no inode " + ino + " in the "
                    + view.view().name().toLowerCase(java.util.Locale.ROOT) + " view of the image");
        }
        return inode;
    }

    private String describe(long ino) {
        return data.file() + ": inode " + ino;
    }

    @Override
    public ImageFormat format() {
        return ImageFormat.EROFS;
    }

    @Override
    public Path path() {
        return data.file();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The count the superblock claims ({@code inos}), not verified (a damaged image may claim any
     * number; unsigned values past {@link Long#MAX_VALUE} read as that): the writers count every inode
     * they store, hard links once, including the ones the mounted view hides (composefs' root stubs
     * and whiteouts), so both views report the same number.
     */
    @Override
    public long inodeCount() {
        return volume.inos() < 0 ? Long.MAX_VALUE : volume.inos();
    }

    @Override
    public long rootInode() {
        return volume.rootNid();
    }

    @Override
    public Stat stat(long ino) throws IOException {
        Stat plain = validator.plainStat(ino);
        return plain != null ? plain : view.stat(inode(ino));
    }

    @Override
    public FileType fileType(long ino) throws IOException {
        return view.type(inode(ino));
    }

    /** Directory {@code dirIno}, its entries not checked yet unless they were before. */
    private ErofsDirectory unchecked(long dirIno) throws IOException {
        ErofsDirectory recent = validator.recentSubdirectory(dirIno);
        if (recent != null) {
            return recent;
        }
        ErofsInode inode = inode(dirIno);
        if (inode.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(describe(dirIno));
        }
        return new ErofsDirectory(data, inode);
    }

    @Override
    public long lookup(long dirIno, byte[] name, int offset, int length) throws IOException {
        ErofsDirectory dir = validator.directory(unchecked(dirIno));
        Objects.checkFromIndexSize(offset, length, name.length);
        boolean dots = length <= 2 && length > 0 && name[offset] == '.' && (length == 1 || name[offset + 1] == '.');
        if (length == 0 || length > ErofsDirectory.NAME_MAX || dots) {
            return -1;
        }
        long found = dir.find(name, offset, length, false);
        if (found < 0) {
            return -1;
        }
        int block = ErofsDirectory.block(found);
        int entry = ErofsDirectory.entry(found);
        long nid = dir.nid(block, entry);
        return view.hides(nid, ErofsDirectory.fileType(dir.fileType(block, entry))) ? -1 : nid;
    }

    @Override
    public DirectoryCursor openDirectory(long dirIno) throws IOException {
        ErofsDirectory dir = unchecked(dirIno);
        return new ErofsDirectoryCursor(dir, validator.checkFor(dir), view);
    }

    @Override
    public byte[] readSymlink(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        if (inode.type() != FileType.SYMLINK) {
            throw new NotLinkException(describe(ino));
        }
        return validator.symlinkTarget(inode);
    }

    @Override
    public List<Xattr> xattrs(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        List<ErofsXattrs.Entry> entries = validator.xattrEntries(inode);
        List<Xattr> stored = xattrs.read(entries);
        if (view.view() == ImageView.RAW) {
            return List.copyOf(stored);
        }
        return OverlayXattrs.mounted(stored, OverlayXattrs.isEscapedWhiteout(inode, entries));
    }

    /**
     * {@inheritDoc}
     *
     * <p>An external file (chunk based, with a {@code trusted.overlay.metacopy} xattr) gives
     * {@link Content.Backing}; its path is empty when the image names no backing file. Other files give
     * their bytes inline.
     *
     * @throws UnsupportedImageException if a file's EROFS data is larger than the image (sparse or
     *                                   deduplicated chunks), which is not read into memory
     */
    @Override
    public Content content(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        if (view.type(inode) != FileType.REGULAR) {
            throw new FileSystemException(describe(ino), null, "not a regular file");
        }
        if (inode.size() == 0) {
            return Content.EMPTY;
        }
        InodeData layout = new InodeData(data, inode);
        if (inode.dataLayout() == ErofsLayout.EROFS_INODE_CHUNK_BASED) {
            List<ErofsXattrs.Entry> stored = validator.xattrEntries(inode);
            if (OverlayXattrs.isExternal(stored)) {
                return OverlayXattrs.backing(data, xattrs, inode, stored);
            }
            layout.checkChunks();
        }
        return new Content.Inline(layout.readAll());
    }

    @Override
    public void close() {
        data.close();
    }

    @Override
    public String toString() {
        return "ErofsReader[" + data.file() + ", " + view.view() + " view, " + volume.inos() + " inodes]";
    }
}
