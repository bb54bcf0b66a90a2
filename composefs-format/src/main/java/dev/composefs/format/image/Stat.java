package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Timespec;
import java.util.Objects;

/**
 * The status of one inode of an image, as {@code stat(2)} would report it; an immutable snapshot.
 * Unsigned 32-bit fields are held in a {@code long}.
 *
 * @param ino   the inode number within the image
 * @param mode  the full {@code st_mode}: file type and permission bits
 * @param nlink the link count
 * @param uid   the owner
 * @param gid   the group
 * @param rdev  the device number of a character or block device, 0 otherwise
 * @param size  {@code st_size}
 * @param mtime the modification time
 * @param ctime the change time (formats without one report the modification time)
 */
public record Stat(long ino, int mode, long nlink, long uid, long gid, long rdev, long size,
        Timespec mtime, Timespec ctime) {

    /** Checks the times are present. */
    public Stat {
        Objects.requireNonNull(mtime, "mtime");
        Objects.requireNonNull(ctime, "ctime");
    }

    /** The file type, from the mode; images only hold inodes of the seven known types. */
    public FileType type() {
        return FileType.ofMode(mode);
    }

    /** The permission bits of the mode (including set-id and sticky bits). */
    public int permissions() {
        return mode & 07777;
    }
}
