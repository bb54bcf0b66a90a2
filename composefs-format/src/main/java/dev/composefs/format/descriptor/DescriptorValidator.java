package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;

/**
 * The rules one descriptor inode and its payloads obey (what the kernel checked, section 4.7 of
 * descriptor-v1.md, and what it forgot), checked where they are used rather than all at open: an
 * inode's fixed part whenever it is decoded, a symlink target, backing path or xattr blob whenever
 * it is read. Each check costs the size of what it checks, so nothing is remembered; dirent blobs,
 * which are searched again and again, are validated once by {@link DirentValidator}.
 */
final class DescriptorValidator {
    private final DescriptorReader reader;
    private final ImageData data;

    DescriptorValidator(DescriptorReader reader) {
        this.reader = reader;
        this.data = reader.data();
    }

    /**
     * Checks the fixed part of inode {@code ino}, read from its window {@code inode}: a known file type
     * and no mode bits above 0177777, {@code st_size} at most 2^63 - 1, every vdata reference within the
     * vdata section, the variable data each type allows, and a digest of 32 bytes on regular files only.
     *
     * <p>Every stat goes through here, so the common case is one small method the JIT inlines: a
     * predicate that accepts only sound inodes, falling back to {@link #explain}, which checks the
     * same rules one by one and reports the first that fails.
     *
     * @return the inode's file type
     */
    FileType inode(long ino, ImageData.Window inode) throws IOException {
        long mode = inode.u32(ST_MODE);
        FileType type = FileType.ofMode((int) mode);
        long size = inode.u64(ST_SIZE);
        long variable = inode.u32(VARIABLE_DATA + VDATA_LEN);
        long digest = inode.u32(DIGEST + VDATA_LEN);
        boolean sound = type != null && (mode & ~0177777L) == 0 && size >= 0
                && reader.inVdata(inode, VARIABLE_DATA) && reader.inVdata(inode, DIGEST) && reader.inVdata(inode, XATTRS)
                && (digest == 0 || (digest == DIGEST_SIZE && type == FileType.REGULAR))
                && switch (type) {
                    case DIRECTORY -> true;
                    case REGULAR -> (size > 0) == (variable != 0);
                    case SYMLINK -> variable != 0;
                    default -> variable == 0;
                };
        return sound ? type : explain(ino, inode);
    }

    /** {@link #inode}, rule by rule: throws for the first rule the inode breaks. */
    FileType explain(long ino, ImageData.Window inode) throws IOException {
        long base = inodeOffset(ino);
        FileType type = type(ino, inode.u32(ST_MODE), ino);
        long size = inode.u64(ST_SIZE);
        if (size < 0) {
            throw data.corrupt(base + ST_SIZE, ino, "st_size " + Long.toUnsignedString(size) + " exceeds 2^63 - 1");
        }
        Vdata variable = reader.vdata(inode, ino, VARIABLE_DATA, "variable_data");
        long where = base + VARIABLE_DATA;
        switch (type) {
            case DIRECTORY:
                break;
            case REGULAR:
                if (size > 0 && !variable.present()) {
                    throw data.corrupt(where, ino, "regular file of " + size + " bytes has no backing path");
                }
                if (size == 0 && variable.present()) {
                    throw data.corrupt(where, ino, "empty regular file has a backing path");
                }
                break;
            case SYMLINK:
                if (!variable.present()) {
                    throw data.corrupt(where, ino, "symlink has an empty target");
                }
                break;
            default:
                if (variable.present()) {
                    throw data.corrupt(where, ino, "a " + type + " inode has variable data");
                }
                break;
        }
        Vdata digest = reader.vdata(inode, ino, DIGEST, "digest");
        if (digest.present() && digest.length() != DIGEST_SIZE) {
            throw data.corrupt(base + DIGEST, ino, "digest is " + digest.length() + " bytes, not " + DIGEST_SIZE);
        }
        if (digest.present() && type != FileType.REGULAR) {
            throw data.corrupt(base + DIGEST, ino, "a " + type + " inode has a digest");
        }
        reader.vdata(inode, ino, XATTRS, "xattrs");
        return type;
    }

    /**
     * The file type of {@code target} after checking its mode, reported against {@code ino} (the
     * directory naming it) when they differ.
     */
    FileType type(long target, long ino) throws IOException {
        return type(target, reader.rawMode(target), ino);
    }

    private FileType type(long target, long mode, long ino) throws IOException {
        FileType type = FileType.ofMode((int) mode);
        if (type == null || (mode & ~0177777L) != 0) {
            throw data.corrupt(inodeOffset(target) + ST_MODE, target, "st_mode 0" + Long.toOctalString(mode)
                    + " is not a valid file type and permissions"
                    + (target == ino ? "" : " (named by a dirent of inode " + ino + ")"));
        }
        return type;
    }

    /** At most {@code PATH_MAX} bytes, no NUL. */
    void symlinkTarget(long ino, Vdata target) throws IOException {
        checkPathLength(ino, target, "symlink target");
        if (data.indexOf(target.offset(), target.length(), (byte) 0) >= 0) {
            throw data.corrupt(target.offset(), ino, "symlink target contains NUL");
        }
    }

    /**
     * The backing path {@code v} of regular file {@code ino}, checked: at most {@code PATH_MAX} bytes,
     * relative, no NUL, no {@code ..} component, so it cannot leave its base directory.
     */
    byte[] backingPath(long ino, Vdata v) throws IOException {
        checkPathLength(ino, v, "backing path");
        byte[] path = data.bytes(v.offset(), v.length());
        if (path[0] == '/') {
            throw data.corrupt(v.offset(), ino, "backing path '" + Name.of(path) + "' is absolute");
        }
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i < path.length && path[i] == 0) {
                throw data.corrupt(v.offset() + i, ino, "backing path contains NUL");
            }
            if (i == path.length || path[i] == '/') {
                if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
                    throw data.corrupt(v.offset() + start, ino, "backing path '" + Name.of(path) + "' has a '..' component");
                }
                start = i + 1;
            }
        }
        return path;
    }

    private void checkPathLength(long ino, Vdata v, String what) throws IOException {
        if (v.length() > PATH_MAX) {
            throw data.corrupt(v.offset(), ino, what + " is " + v.length() + " bytes, longer than PATH_MAX (" + PATH_MAX + ")");
        }
    }

    /**
     * A header that fits, {@code n_attr} at least 1, elements that fit, keys of 1..255 bytes
     * without NUL.
     */
    void xattrs(long ino, Vdata blob) throws IOException {
        if (blob.length() < XATTRS_HEADER_SIZE) {
            throw data.corrupt(blob.offset(), ino, "xattr blob of " + blob.length() + " bytes is shorter than its header");
        }
        int count = data.u16(blob.offset());
        if (count == 0) {
            throw data.corrupt(blob.offset(), ino, "xattr blob has n_attr 0");
        }
        long header = XATTRS_HEADER_SIZE + (long) count * XATTR_ELEMENT_SIZE;
        if (header > blob.length()) {
            throw data.corrupt(blob.offset(), ino, "n_attr " + count + " needs " + header
                    + " bytes but the xattr blob has " + blob.length());
        }
        long payload = blob.offset() + header;
        long end = blob.offset() + blob.length();
        for (int i = 0; i < count; i++) {
            long element = blob.offset() + XATTRS_HEADER_SIZE + (long) i * XATTR_ELEMENT_SIZE;
            int keyLength = data.u16(element);
            int valueLength = data.u16(element + 2);
            if (keyLength == 0 || keyLength > XATTR_NAME_MAX) {
                throw data.corrupt(element, ino, "xattr " + i + " key length " + keyLength + " is not 1.." + XATTR_NAME_MAX);
            }
            if (keyLength + (long) valueLength > end - payload) {
                throw data.corrupt(element, ino, "xattr " + i + " (key " + keyLength + " + value " + valueLength
                        + " bytes) runs past the xattr blob");
            }
            long nul = data.indexOf(payload, keyLength, (byte) 0);
            if (nul >= 0) {
                throw data.corrupt(nul, ino, "xattr " + i + " key contains NUL");
            }
            payload += keyLength + valueLength;
        }
    }
}
