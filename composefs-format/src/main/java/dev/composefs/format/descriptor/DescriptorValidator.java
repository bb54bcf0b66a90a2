package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a whole descriptor when it is opened: what the kernel checked (section 4.7 of
 * descriptor-v1.md) and what it forgot. Every inode has a known file type; every vdata reference lies
 * in the vdata section; payloads obey the per-type rules; backing paths stay inside the base
 * directory; dirents are in range, strictly sorted, well-named and typed like their targets; xattr
 * blobs are consistent; and no directory has two names and none names the root, so the directories
 * reachable from the root form a tree and every walk from the root terminates.
 */
final class DescriptorValidator {
    private final DescriptorReader reader;
    private final ImageData data;
    /** Directories that some dirent already names. */
    private final BitSet named = new BitSet();
    /*
     * Blobs already found valid. The writer deduplicates payloads and xattrs, so sharing is normal; a
     * hostile image could share one huge blob among millions of inodes and multiply the work. Dirent
     * blobs are remembered only when they name no directory: a second use of one that does is an error.
     */
    private final Set<Vdata> validBackingPaths = new HashSet<>();
    private final Set<Vdata> validSymlinkTargets = new HashSet<>();
    private final Set<Vdata> validXattrs = new HashSet<>();
    private final Set<Vdata> validLeafDirents = new HashSet<>();

    DescriptorValidator(DescriptorReader reader) {
        this.reader = reader;
        this.data = reader.data();
    }

    void validate() throws IOException {
        for (long ino = 0; ino < reader.inodeCount(); ino++) {
            validateInode(ino);
        }
        if (typeOf(0, 0) != FileType.DIRECTORY) {
            throw data.corrupt(inodeOffset(0) + ST_MODE, 0, "the root inode is not a directory");
        }
    }

    /** The type of {@code target}, reported against {@code ino} when the mode is invalid. */
    private FileType typeOf(long target, long ino) throws IOException {
        long mode = reader.rawMode(target);
        FileType type = FileType.ofMode((int) mode);
        if (type == null || (mode & ~0177777L) != 0) {
            throw data.corrupt(inodeOffset(target) + ST_MODE, target, "st_mode 0" + Long.toOctalString(mode)
                    + " is not a valid file type and permissions"
                    + (target == ino ? "" : " (named by a dirent of inode " + ino + ")"));
        }
        return type;
    }

    private void validateInode(long ino) throws IOException {
        long base = inodeOffset(ino);
        FileType type = typeOf(ino, ino);
        long size = data.u64(base + ST_SIZE);
        if (size < 0) {
            throw data.corrupt(base + ST_SIZE, ino, "st_size " + Long.toUnsignedString(size) + " exceeds 2^63 - 1");
        }
        Vdata variable = reader.vdata(ino, VARIABLE_DATA, "variable_data");
        long where = base + VARIABLE_DATA;
        switch (type) {
            case DIRECTORY:
                if (variable.present() && !validLeafDirents.contains(variable) && !validateDirents(ino, variable)) {
                    validLeafDirents.add(variable);
                }
                break;
            case REGULAR:
                if (size > 0 && !variable.present()) {
                    throw data.corrupt(where, ino, "regular file of " + size + " bytes has no backing path");
                }
                if (size == 0 && variable.present()) {
                    throw data.corrupt(where, ino, "empty regular file has a backing path");
                }
                if (variable.present() && validBackingPaths.add(variable)) {
                    validateBackingPath(ino, variable);
                }
                break;
            case SYMLINK:
                if (!variable.present()) {
                    throw data.corrupt(where, ino, "symlink has an empty target");
                }
                if (validSymlinkTargets.add(variable)) {
                    checkPathLength(ino, variable, "symlink target");
                    if (data.indexOf(variable.offset(), variable.length(), (byte) 0) >= 0) {
                        throw data.corrupt(variable.offset(), ino, "symlink target contains NUL");
                    }
                }
                break;
            default:
                if (variable.present()) {
                    throw data.corrupt(where, ino, "a " + type + " inode has variable data");
                }
                break;
        }
        Vdata digest = reader.vdata(ino, DIGEST, "digest");
        if (digest.present() && digest.length() != DIGEST_SIZE) {
            throw data.corrupt(base + DIGEST, ino, "digest is " + digest.length() + " bytes, not " + DIGEST_SIZE);
        }
        if (digest.present() && type != FileType.REGULAR) {
            throw data.corrupt(base + DIGEST, ino, "a " + type + " inode has a digest");
        }
        Vdata xattrs = reader.vdata(ino, XATTRS, "xattrs");
        if (xattrs.present() && validXattrs.add(xattrs)) {
            validateXattrs(ino, xattrs);
        }
    }

    private void checkPathLength(long ino, Vdata v, String what) throws IOException {
        if (v.length() > PATH_MAX) {
            throw data.corrupt(v.offset(), ino, what + " is " + v.length() + " bytes, longer than PATH_MAX (" + PATH_MAX + ")");
        }
    }

    /** Relative, no NUL, no {@code ..} component: a backing path cannot leave its base directory. */
    private void validateBackingPath(long ino, Vdata v) throws IOException {
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
    }

    /** Validates one dirent blob; returns whether it names any directory. */
    private boolean validateDirents(long ino, Vdata blob) throws IOException {
        if (blob.length() < DIRENTS_HEADER_SIZE) {
            throw data.corrupt(blob.offset(), ino, "dirent blob of " + blob.length() + " bytes is shorter than its header");
        }
        long count = data.u32(blob.offset());
        if (count == 0) {
            throw data.corrupt(blob.offset(), ino, "dirent blob has n_dirents 0");
        }
        long tableEnd = DIRENTS_HEADER_SIZE + count * DIRENT_SIZE;
        if (tableEnd > blob.length()) {
            throw data.corrupt(blob.offset(), ino, "n_dirents " + count + " needs " + tableEnd
                    + " bytes but the dirent blob has " + blob.length());
        }
        long names = blob.offset() + tableEnd;
        long namesLength = blob.length() - tableEnd;
        long previousName = -1;
        int previousLength = 0;
        boolean namesDirectories = false;
        for (long i = 0; i < count; i++) {
            long entry = blob.offset() + DIRENTS_HEADER_SIZE + i * DIRENT_SIZE;
            long target = data.u32(entry + DIRENT_INODE_NUM);
            long nameOffset = data.u32(entry + DIRENT_NAME_OFFSET);
            int nameLength = data.u8(entry + DIRENT_NAME_LEN);
            int dType = data.u8(entry + DIRENT_D_TYPE);
            if (nameLength == 0) {
                throw data.corrupt(entry + DIRENT_NAME_LEN, ino, "dirent " + i + " has an empty name");
            }
            if (nameOffset > namesLength - nameLength) {
                throw data.corrupt(entry + DIRENT_NAME_OFFSET, ino, "dirent " + i + " name {offset " + nameOffset
                        + ", length " + nameLength + "} runs past the name area (" + namesLength + " bytes)");
            }
            long name = names + nameOffset;
            validateName(ino, i, name, nameLength);
            if (previousName >= 0 && data.compare(previousName, previousLength, name, nameLength) >= 0) {
                throw data.corrupt(entry, ino, "dirent " + i + " '" + nameAt(name, nameLength)
                        + "' is not strictly after '" + nameAt(previousName, previousLength)
                        + "': entries must be sorted and unique");
            }
            previousName = name;
            previousLength = nameLength;
            if (target >= reader.inodeCount()) {
                throw data.corrupt(entry + DIRENT_INODE_NUM, ino, "dirent '" + nameAt(name, nameLength) + "' names inode "
                        + target + " but the image has " + reader.inodeCount() + " inodes");
            }
            FileType targetType = typeOf(target, ino);
            if (dType != targetType.direntType()) {
                throw data.corrupt(entry + DIRENT_D_TYPE, ino, "dirent '" + nameAt(name, nameLength) + "' has d_type "
                        + dType + " but inode " + target + " is a " + targetType);
            }
            if (targetType == FileType.DIRECTORY) {
                if (target == 0 || named.get((int) target)) {
                    throw data.corrupt(entry + DIRENT_INODE_NUM, ino, "dirent '" + nameAt(name, nameLength)
                            + "' names directory inode " + target + ", which "
                            + (target == 0 ? "is the root" : "already has a name")
                            + ": a cycle through an ancestor or a hard-linked directory");
                }
                named.set((int) target);
                namesDirectories = true;
            }
        }
        return namesDirectories;
    }

    private void validateName(long ino, long index, long name, int length) throws IOException {
        if ((length == 1 && data.u8(name) == '.') || (length == 2 && data.u8(name) == '.' && data.u8(name + 1) == '.')) {
            throw data.corrupt(name, ino, "dirent " + index + " is named '.' or '..'");
        }
        long bad = data.indexOfEither(name, length, (byte) '/', (byte) 0);
        if (bad >= 0) {
            throw data.corrupt(bad, ino, "dirent " + index + " name contains '/' or NUL");
        }
    }

    private String nameAt(long offset, int length) throws IOException {
        return Name.of(data.bytes(offset, length)).toString();
    }

    private void validateXattrs(long ino, Vdata blob) throws IOException {
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
