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
 * <p>{@link #open} validates the whole image before anything is served ({@link ErofsVolume} for the
 * superblock, {@link ErofsValidator} for the tree): after that every inode number the reader accepts
 * was reached from the root, lookups and walks cannot loop, and every answer is well-formed. Inode
 * numbers are nids (the inode's byte offset from the inode area / 32), so they are sparse: walk from
 * {@link #rootInode()} rather than counting up to {@link #inodeCount()}.
 *
 * <p>The reader presents one {@link ImageView}: the {@link ImageView#MOUNTED mounted view} (the tree the
 * image was made from; the default) or the {@link ImageView#RAW raw view} (the EROFS tree as stored).
 * Inodes are decoded from the mapped file on every call (nothing is cached besides the open-time
 * index), so the reader is safe for concurrent use.
 */
public final class ErofsReader implements Image {
    private final ImageData data;
    private final ErofsVolume volume;
    private final ErofsXattrs xattrs;
    private final ErofsIndex index;

    private ErofsReader(ImageData data, ErofsVolume volume, ErofsXattrs xattrs, ErofsIndex index) {
        this.data = data;
        this.volume = volume;
        this.xattrs = xattrs;
        this.index = index;
    }

    /** Opens and validates an image in the mounted view, like {@link #open(ImageData, ImageView)}. */
    public static ErofsReader open(ImageData data) throws IOException {
        return open(data, ImageView.MOUNTED);
    }

    /**
     * Opens and validates an image. The reader owns {@code data} from then on; on failure {@code data}
     * is left open for the caller to close.
     *
     * @throws UnsupportedImageException if neither magic is present, the composefs header version is
     *                                   not 1, or the image uses EROFS features composefs never uses
     *                                   (compression, other block sizes, extra devices, ...)
     * @throws CorruptImageException     if anything in the image is damaged
     */
    public static ErofsReader open(ImageData data, ImageView view) throws IOException {
        Objects.requireNonNull(view, "view");
        ErofsVolume volume = ErofsVolume.read(data);
        ErofsXattrs xattrs = new ErofsXattrs(data, volume);
        ErofsIndex index = new ErofsValidator(data, volume, xattrs).validate(view);
        return new ErofsReader(data, volume, xattrs, index);
    }

    /** The view this reader presents. */
    public ImageView view() {
        return index.view();
    }

    /**
     * The composefs format version in the header (0 or 1, 2 for composefs-rs' own), or -1 for a plain
     * EROFS image without a composefs header.
     */
    public int composefsVersion() {
        return volume.composefsVersion();
    }

    private void checkIno(long ino) {
        if (!index.contains(ino)) {
            throw new IllegalArgumentException(data.file() + ": no inode " + ino + " in the "
                    + index.view().name().toLowerCase(java.util.Locale.ROOT) + " view of the image");
        }
    }

    private ErofsInode inode(long ino) throws IOException {
        checkIno(ino);
        return ErofsInode.read(data, volume, ino);
    }

    private FileType type(ErofsInode inode) {
        return index.whiteout(inode.nid()) ? FileType.CHAR_DEVICE : inode.type();
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

    @Override
    public long inodeCount() {
        return index.count();
    }

    @Override
    public long rootInode() {
        return volume.rootNid();
    }

    @Override
    public Stat stat(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        int mode = inode.mode();
        long size = inode.size();
        if (index.whiteout(ino)) {
            mode = FileType.CHAR_DEVICE.modeBits() | (mode & ~FileType.S_IFMT);
            size = 0;
        }
        return new Stat(ino, mode, inode.nlink(), inode.uid(), inode.gid(), inode.rdev(), size,
                inode.mtime(), inode.mtime());
    }

    /** Reads only the mode: the open-time validation already checked the inode. */
    @Override
    public FileType fileType(long ino) throws IOException {
        checkIno(ino);
        if (index.whiteout(ino)) {
            return FileType.CHAR_DEVICE;
        }
        return FileType.ofMode(data.u16(volume.inodeOffset(ino, data.size()) + InodeRecord.OFF_MODE));
    }

    private ErofsDirectory directory(long dirIno) throws IOException {
        ErofsInode inode = inode(dirIno);
        if (inode.type() != FileType.DIRECTORY) {
            throw new NotDirectoryException(describe(dirIno));
        }
        return new ErofsDirectory(data, inode);
    }

    @Override
    public long lookup(long dirIno, byte[] name, int offset, int length) throws IOException {
        ErofsDirectory dir = directory(dirIno);
        Objects.checkFromIndexSize(offset, length, name.length);
        boolean dots = length <= 2 && length > 0 && name[offset] == '.' && (length == 1 || name[offset + 1] == '.');
        if (length == 0 || length > ErofsDirectory.NAME_MAX || dots) {
            return -1;
        }
        long nid = dir.lookup(name, offset, length);
        return nid < 0 || index.hidden(nid) ? -1 : nid;
    }

    @Override
    public DirectoryCursor openDirectory(long dirIno) throws IOException {
        return new ErofsDirectoryCursor(directory(dirIno), index);
    }

    @Override
    public byte[] readSymlink(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        if (inode.type() != FileType.SYMLINK) {
            throw new NotLinkException(describe(ino));
        }
        return new InodeData(data, inode).readAll();
    }

    @Override
    public List<Xattr> xattrs(long ino) throws IOException {
        ErofsInode inode = inode(ino);
        List<Xattr> stored = xattrs.read(inode);
        return index.view() == ImageView.MOUNTED ? OverlayXattrs.mounted(stored, index.whiteout(ino)) : List.copyOf(stored);
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
        if (type(inode) != FileType.REGULAR) {
            throw new FileSystemException(describe(ino), null, "not a regular file");
        }
        if (inode.size() == 0) {
            return Content.EMPTY;
        }
        if (inode.dataLayout() == ErofsLayout.EROFS_INODE_CHUNK_BASED) {
            List<ErofsXattrs.Entry> stored = xattrs.entries(inode);
            if (OverlayXattrs.isExternal(stored)) {
                return OverlayXattrs.backing(data, xattrs, inode, stored);
            }
        }
        return new Content.Inline(new InodeData(data, inode).readAll());
    }

    @Override
    public void close() {
        data.close();
    }

    @Override
    public String toString() {
        return "ErofsReader[" + data.file() + ", " + index.view() + " view, " + index.count() + " inodes]";
    }
}
