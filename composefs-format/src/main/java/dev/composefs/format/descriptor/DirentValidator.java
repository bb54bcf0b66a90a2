package dev.composefs.format.descriptor;

import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.internal.InodeMarks;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.util.Arrays;

/**
 * Validates each directory's dirent blob of one descriptor the first time it is listed or searched,
 * and remembers it: later uses cost one lock-free bit test. A blob is valid when its header and
 * entries fit, names are in range, well-formed and strictly sorted (so binary search is sound), every
 * target is an inode of the image with a valid mode and the entry's {@code d_type}, and the directory
 * graph stays a tree, checked locally:
 * <ul>
 * <li>a dirent naming a directory names one numbered after its own directory, never the root (writers
 *     number breadth-first, so every real image obeys this), so no walk can cycle;</li>
 * <li>no blob names one subdirectory twice;</li>
 * <li>no subdirectory is named by two validated directories: each validated blob records its
 *     subdirectories as named, so a second parent fails its own validation.</li>
 * </ul>
 * Memory grows with the directories validated: two {@link InodeMarks} sets, paged on first use.
 */
final class DirentValidator {
    private static final int DIRECTORY_D_TYPE = FileType.DIRECTORY.direntType();
    /** Bit {@code t} is set for each d_type {@code t} of a file type. */
    private static final int VALID_D_TYPES = validDirentTypes();

    private final DescriptorReader reader;
    private final DescriptorValidator inodes;
    private final ImageData data;
    /** Directories whose blob passed every check, their subdirectories recorded in {@link #named}. */
    private final InodeMarks validated;
    /** Directories that a validated directory names. */
    private final InodeMarks named;
    /**
     * Guards the step from "this blob is sound" to "it is validated and its subdirectories are named",
     * so that two threads validating one directory at once do not see each other's names as second
     * names, and a failing blob leaves no name behind. Held for the subdirectories of one blob.
     */
    private final Object naming = new Object();

    DirentValidator(DescriptorReader reader, DescriptorValidator inodes) {
        this.reader = reader;
        this.inodes = inodes;
        this.data = reader.data();
        this.validated = new InodeMarks(reader.inodeCount());
        this.named = new InodeMarks(reader.inodeCount());
    }

    /**
     * Makes sure the dirent blob {@code blob} of directory {@code dir} is valid before anything
     * searches or lists it.
     *
     * @throws dev.composefs.format.image.CorruptImageException naming the directory, the dirent's
     *                                                          offset and what is wrong
     */
    void check(long dir, Vdata blob) throws IOException {
        if (!blob.present() || validated.contains(dir)) {
            return;
        }
        long[] subdirectories = validate(dir, blob);
        synchronized (naming) {
            if (validated.contains(dir)) {
                return;
            }
            for (long s : subdirectories) {
                long target = s >>> 32;
                if (named.contains(target)) {
                    throw misnamed(dir, blob, (int) s, "which already has a name: a hard-linked directory");
                }
            }
            for (long s : subdirectories) {
                named.add(s >>> 32);
            }
            validated.add(dir);
        }
    }

    /**
     * Checks everything that does not depend on other directories.
     *
     * @return the subdirectories named, each as {@code inode << 32 | dirent index}, sorted
     */
    private long[] validate(long dir, Vdata blob) throws IOException {
        if (blob.length() < DIRENTS_HEADER_SIZE) {
            throw data.corrupt(blob.offset(), dir, "dirent blob of " + blob.length() + " bytes is shorter than its header");
        }
        long count = data.u32(blob.offset());
        if (count == 0) {
            throw data.corrupt(blob.offset(), dir, "dirent blob has n_dirents 0");
        }
        long tableEnd = DIRENTS_HEADER_SIZE + count * DIRENT_SIZE;
        if (tableEnd > blob.length()) {
            throw data.corrupt(blob.offset(), dir, "n_dirents " + count + " needs " + tableEnd
                    + " bytes but the dirent blob has " + blob.length());
        }
        long names = blob.offset() + tableEnd;
        long namesLength = blob.length() - tableEnd;
        // One pass over the whole name area: when no byte of it is '/' or NUL, no name has one either,
        // and only an area that has one (a damaged blob, or bytes between names) is checked name by name.
        boolean namesClean = data.indexOfEither(names, (int) namesLength, (byte) '/', (byte) 0) < 0;
        long previousName = -1;
        int previousLength = 0;
        long[] subdirectories = new long[0];
        int subdirectoryCount = 0;
        for (long i = 0; i < count; i++) {
            long entry = blob.offset() + DIRENTS_HEADER_SIZE + i * DIRENT_SIZE;
            // The inode number and the name offset as one word, the length and d_type as another.
            long word = data.u64(entry + DIRENT_INODE_NUM);
            int lengthAndType = data.u16(entry + DIRENT_NAME_LEN);
            long target = word & 0xffffffffL;
            long nameOffset = word >>> 32;
            int nameLength = lengthAndType & 0xff;
            int dType = lengthAndType >>> 8;
            if (nameLength == 0) {
                throw data.corrupt(entry + DIRENT_NAME_LEN, dir, "dirent " + i + " has an empty name");
            }
            if (nameOffset > namesLength - nameLength) {
                throw data.corrupt(entry + DIRENT_NAME_OFFSET, dir, "dirent " + i + " name {offset " + nameOffset
                        + ", length " + nameLength + "} runs past the name area (" + namesLength + " bytes)");
            }
            long name = names + nameOffset;
            validateName(dir, i, name, nameLength, namesClean);
            if (previousName >= 0 && data.compare(previousName, previousLength, name, nameLength) >= 0) {
                throw data.corrupt(entry, dir, "dirent " + i + " '" + nameAt(name, nameLength)
                        + "' is not strictly after '" + nameAt(previousName, previousLength)
                        + "': entries must be sorted and unique");
            }
            previousName = name;
            previousLength = nameLength;
            if (target >= reader.inodeCount()) {
                throw data.corrupt(entry + DIRENT_INODE_NUM, dir, "dirent '" + nameAt(name, nameLength) + "' names inode "
                        + target + " but the image has " + reader.inodeCount() + " inodes");
            }
            long mode = reader.rawMode(target);
            // A valid mode whose file type is d_type, in arithmetic: d_type is the type's bits shifted down.
            if ((mode & ~0177777L) != 0 || mode >>> 12 != dType || (VALID_D_TYPES >>> dType & 1) == 0) {
                FileType targetType = inodes.type(target, dir);
                throw data.corrupt(entry + DIRENT_D_TYPE, dir, "dirent '" + nameAt(name, nameLength) + "' has d_type "
                        + dType + " but inode " + target + " is a " + targetType);
            }
            if (dType == DIRECTORY_D_TYPE) {
                if (target <= dir) {
                    throw data.corrupt(entry + DIRENT_INODE_NUM, dir, "dirent '" + nameAt(name, nameLength)
                            + "' names directory inode " + target + ", which " + (target == 0 ? "is the root: a cycle"
                            : target == dir ? "is the directory itself: a cycle"
                            : "is not numbered after its parent " + dir
                                    + " (writers number breadth-first): a cycle through an ancestor is possible"));
                }
                if (subdirectoryCount == subdirectories.length) {
                    subdirectories = Arrays.copyOf(subdirectories, Math.max(8, subdirectoryCount * 2));
                }
                subdirectories[subdirectoryCount++] = target << 32 | i;
                if (subdirectoryCount > reader.inodeCount() - 1 - dir) {
                    // More subdirectories than inodes numbered after this one: some inode is named
                    // twice (found below), and the list stays within the inode count.
                    break;
                }
            }
        }
        subdirectories = Arrays.copyOf(subdirectories, subdirectoryCount);
        Arrays.sort(subdirectories);
        for (int k = 1; k < subdirectoryCount; k++) {
            if (subdirectories[k] >>> 32 == subdirectories[k - 1] >>> 32) {
                throw misnamed(dir, blob, (int) subdirectories[k], "which dirent '"
                        + direntName(blob, (int) subdirectories[k - 1]) + "' names too: a hard-linked directory");
            }
        }
        return subdirectories;
    }

    private static int validDirentTypes() {
        int mask = 0;
        for (FileType t : FileType.values()) {
            mask |= 1 << t.direntType();
        }
        return mask;
    }

    /** A report that dirent {@code index} of a validated-so-far blob names a directory it must not. */
    private IOException misnamed(long dir, Vdata blob, int index, String why) throws IOException {
        long entry = blob.offset() + DIRENTS_HEADER_SIZE + Integer.toUnsignedLong(index) * DIRENT_SIZE;
        return data.corrupt(entry + DIRENT_INODE_NUM, dir, "dirent '" + direntName(blob, index)
                + "' names directory inode " + data.u32(entry + DIRENT_INODE_NUM) + ", " + why);
    }

    /** The name of dirent {@code index} of a blob whose names were checked. */
    private String direntName(Vdata blob, int index) throws IOException {
        long count = data.u32(blob.offset());
        long entry = blob.offset() + DIRENTS_HEADER_SIZE + Integer.toUnsignedLong(index) * DIRENT_SIZE;
        long names = blob.offset() + DIRENTS_HEADER_SIZE + count * DIRENT_SIZE;
        return nameAt(names + data.u32(entry + DIRENT_NAME_OFFSET), data.u8(entry + DIRENT_NAME_LEN));
    }

    /** {@code clean}: the whole name area is free of '/' and NUL, so only the dot names remain to check. */
    private void validateName(long dir, long index, long name, int length, boolean clean) throws IOException {
        if ((length == 1 && data.u8(name) == '.') || (length == 2 && data.u8(name) == '.' && data.u8(name + 1) == '.')) {
            throw data.corrupt(name, dir, "dirent " + index + " is named '.' or '..'");
        }
        if (clean) {
            return;
        }
        long bad = data.indexOfEither(name, length, (byte) '/', (byte) 0);
        if (bad >= 0) {
            throw data.corrupt(bad, dir, "dirent " + index + " name contains '/' or NUL");
        }
    }

    private String nameAt(long offset, int length) throws IOException {
        return Name.of(data.bytes(offset, length)).toString();
    }
}
