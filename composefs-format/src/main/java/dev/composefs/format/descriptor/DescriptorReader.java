package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.Content;
import dev.composefs.format.image.CorruptImageException;
import dev.composefs.format.image.DirectoryCursor;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageFormat;
import dev.composefs.format.image.Stat;
import dev.composefs.format.image.UnsupportedImageException;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a composefs descriptor (CFS_VERSION 1) through {@link ImageData}.
 *
 * <p>Opening costs the same whatever the image size: {@link #open} checks the superblock and the root
 * inode only, and allocates nothing per inode. Everything else is validated where it is used, with the
 * same rules and the same reports as a check of the whole image would give: an inode's fixed part
 * whenever it is decoded, a symlink target, backing path or xattr blob whenever it is read (see
 * {@link DescriptorValidator}), and a directory's dirent blob, including the local rules that keep
 * the directory graph a tree, the first time the directory is listed or searched (see
 * {@link DirentValidator}). So every answer is well-formed, lookups and walks cannot loop, and damage
 * is reported when a walk reaches it; each read still goes through {@code ImageData}'s bounds checks.
 * Stat data comes from the descriptor alone and backing files are never touched.
 */
public final class DescriptorReader implements Image {
    private final ImageData data;
    private final long inodeCount;
    private final long vdataOffset;
    private final long vdataLength;
    private final DescriptorValidator validator;
    private final DirentValidator dirents;

    private DescriptorReader(ImageData data, long inodeCount, long vdataOffset) {
        this.data = data;
        this.inodeCount = inodeCount;
        this.vdataOffset = vdataOffset;
        this.vdataLength = data.size() - vdataOffset;
        this.validator = new DescriptorValidator(this);
        this.dirents = new DirentValidator(this, validator);
    }

    /**
     * Opens a descriptor, checking its superblock and root inode. The reader owns {@code data} from
     * then on; on failure {@code data} is left open for the caller to close.
     *
     * @throws UnsupportedImageException if the magic is missing or the version is not 1
     * @throws CorruptImageException     if the superblock or the root inode is damaged
     */
    public static DescriptorReader open(ImageData data) throws IOException {
        if (data.size() < SB_MAGIC + 4 || data.u32(SB_MAGIC) != Integer.toUnsignedLong(CFS_MAGIC)) {
            throw new UnsupportedImageException(data.file() + ": not a composefs descriptor (no magic 0xc078629a at offset 4)");
        }
        long version = data.u32(SB_VERSION);
        if (version != CFS_VERSION) {
            throw new UnsupportedImageException(data.file() + ": descriptor version " + version
                    + " is not supported (only " + CFS_VERSION + ")");
        }
        if (data.size() < SUPERBLOCK_SIZE) {
            throw data.corrupt(0, CorruptImageException.NO_INODE, "file of " + data.size()
                    + " bytes is shorter than the " + SUPERBLOCK_SIZE + "-byte superblock");
        }
        long vdataOffset = data.u64(SB_VDATA_OFFSET);
        if (vdataOffset < SUPERBLOCK_SIZE + INODE_SIZE || vdataOffset > data.size()
                || (vdataOffset - SUPERBLOCK_SIZE) % INODE_SIZE != 0) {
            throw data.corrupt(SB_VDATA_OFFSET, CorruptImageException.NO_INODE, "vdata_offset "
                    + Long.toUnsignedString(vdataOffset) + " is not 128 + 96 * N with N >= 1 within the file ("
                    + data.size() + " bytes)");
        }
        DescriptorReader reader = new DescriptorReader(data, (vdataOffset - SUPERBLOCK_SIZE) / INODE_SIZE, vdataOffset);
        if (reader.type(0) != FileType.DIRECTORY) {
            throw data.corrupt(inodeOffset(0) + ST_MODE, 0, "the root inode is not a directory");
        }
        return reader;
    }

    ImageData data() {
        return data;
    }

    /**
     * The 96 bytes of inode {@code ino} ({@code 0 <= ino < inodeCount}), which the superblock check
     * placed inside the file: one bounds check for all the fields a decode reads.
     */
    ImageData.Window inode(long ino) throws IOException {
        return data.window(inodeOffset(ino), INODE_SIZE, ino, "inode");
    }

    /** The checked vdata reference {@code field} of inode {@code ino}, read from its window {@code inode}. */
    Vdata vdata(ImageData.Window inode, long ino, int field, String what) throws IOException {
        long off = inode.u64(field + VDATA_OFF);
        long len = inode.u32(field + VDATA_LEN);
        if (len == 0) {
            return Vdata.ABSENT;
        }
        if (off < 0 || len > vdataLength || off > vdataLength - len) {
            throw data.corrupt(inodeOffset(ino) + field, ino, what + " {off " + Long.toUnsignedString(off) + ", len "
                    + len + "} runs past the vdata section (" + vdataLength + " bytes)");
        }
        return new Vdata(vdataOffset + off, (int) len);
    }

    /** Whether vdata reference {@code field} in window {@code inode} is empty or lies within the vdata section. */
    boolean inVdata(ImageData.Window inode, int field) {
        long off = inode.u64(field + VDATA_OFF);
        long len = inode.u32(field + VDATA_LEN);
        return len == 0 || (off >= 0 && len <= vdataLength && off <= vdataLength - len);
    }

    /** {@link #vdata(ImageData.Window, long, int, String)} of an inode that passed {@link #type}. */
    private Vdata vdata(long ino, int field, String what) throws IOException {
        return vdata(inode(ino), ino, field, what);
    }

    /** The raw {@code st_mode} of inode {@code ino}. */
    long rawMode(long ino) throws IOException {
        return data.u32(inodeOffset(ino) + ST_MODE);
    }

    @Override
    public FileType fileType(long ino) throws IOException {
        return type(ino);
    }

    /** The type of inode {@code ino}, after checking its fixed part. */
    private FileType type(long ino) throws IOException {
        return validator.inode(checkIno(ino), inode(ino));
    }

    private long checkIno(long ino) {
        if (ino < 0 || ino >= inodeCount) {
            throw new IllegalArgumentException(data.file() + ": no inode " + ino + " (the image has " + inodeCount + ")");
        }
        return ino;
    }

    private String describe(long ino) {
        return data.file() + ": inode " + ino;
    }

    @Override
    public ImageFormat format() {
        return ImageFormat.DESCRIPTOR;
    }

    @Override
    public Path path() {
        return data.file();
    }

    @Override
    public long inodeCount() {
        return inodeCount;
    }

    @Override
    public long rootInode() {
        return 0;
    }

    @Override
    public Stat stat(long ino) throws IOException {
        ImageData.Window inode = inode(checkIno(ino));
        validator.inode(ino, inode);
        return new Stat(ino,
                (int) inode.u32(ST_MODE),
                inode.u32(ST_NLINK),
                inode.u32(ST_UID),
                inode.u32(ST_GID),
                inode.u32(ST_RDEV),
                inode.u64(ST_SIZE),
                inode.u64(ST_MTIM_SEC), (int) inode.u32(ST_MTIM_NSEC),
                inode.u64(ST_CTIM_SEC), (int) inode.u32(ST_CTIM_NSEC));
    }

    /** The dirent blob of directory {@code dirIno}, validated. */
    private Vdata dirents(long dirIno) throws IOException {
        if (type(dirIno) != FileType.DIRECTORY) {
            throw new NotDirectoryException(describe(dirIno));
        }
        Vdata blob = vdata(dirIno, VARIABLE_DATA, "dirents");
        dirents.check(dirIno, blob);
        return blob;
    }

    @Override
    public long lookup(long dirIno, byte[] name, int offset, int length) throws IOException {
        Vdata blob = dirents(dirIno);
        if (!blob.present() || length == 0) {
            return -1;
        }
        long count = data.u32(blob.offset());
        long names = blob.offset() + DIRENTS_HEADER_SIZE + count * DIRENT_SIZE;
        // Half-open bounds: nothing can underflow when the name sorts before the first entry.
        long lo = 0;
        long hi = count;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            long entry = blob.offset() + DIRENTS_HEADER_SIZE + mid * DIRENT_SIZE;
            int c = data.compare(names + data.u32(entry + DIRENT_NAME_OFFSET), data.u8(entry + DIRENT_NAME_LEN),
                    name, offset, length);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid;
            } else {
                return data.u32(entry + DIRENT_INODE_NUM);
            }
        }
        return -1;
    }

    @Override
    public DirectoryCursor openDirectory(long dirIno) throws IOException {
        Vdata blob = dirents(dirIno);
        return new DescriptorDirectoryCursor(data, blob, blob.present() ? data.u32(blob.offset()) : 0);
    }

    @Override
    public byte[] readSymlink(long ino) throws IOException {
        if (type(ino) != FileType.SYMLINK) {
            throw new NotLinkException(describe(ino));
        }
        Vdata target = vdata(ino, VARIABLE_DATA, "symlink target");
        validator.symlinkTarget(ino, target);
        return data.bytes(target.offset(), target.length());
    }

    @Override
    public List<Xattr> xattrs(long ino) throws IOException {
        type(ino);
        Vdata blob = vdata(ino, XATTRS, "xattrs");
        if (!blob.present()) {
            return List.of();
        }
        validator.xattrs(ino, blob);
        int count = data.u16(blob.offset());
        List<Xattr> result = new ArrayList<>(count);
        long element = blob.offset() + XATTRS_HEADER_SIZE;
        long payload = element + (long) count * XATTR_ELEMENT_SIZE;
        for (int i = 0; i < count; i++, element += XATTR_ELEMENT_SIZE) {
            int keyLength = data.u16(element);
            int valueLength = data.u16(element + 2);
            Name key = Name.of(data.bytes(payload, keyLength));
            result.add(Xattr.of(key, data.bytes(payload + keyLength, valueLength)));
            payload += keyLength + valueLength;
        }
        return List.copyOf(result);
    }

    /**
     * {@inheritDoc}
     *
     * <p>An empty file is {@link Content#EMPTY}, even if the image stores a digest for it: there is no
     * backing file to check it against.
     */
    @Override
    public Content content(long ino) throws IOException {
        if (type(ino) != FileType.REGULAR) {
            throw new FileSystemException(describe(ino), null, "not a regular file");
        }
        Vdata path = vdata(ino, VARIABLE_DATA, "backing path");
        if (!path.present()) {
            return Content.EMPTY;
        }
        Vdata digest = vdata(ino, DIGEST, "digest");
        byte[] backingPath = validator.backingPath(ino, path);
        FsVerityDigest expected = digest.present()
                ? FsVerityDigest.of(FsVerityAlgorithm.SHA256, data.bytes(digest.offset(), digest.length()))
                : null;
        return new Content.Backing(backingPath, expected);
    }

    @Override
    public void close() {
        data.close();
    }

    @Override
    public String toString() {
        return "DescriptorReader[" + data.file() + ", " + inodeCount + " inodes]";
    }
}
