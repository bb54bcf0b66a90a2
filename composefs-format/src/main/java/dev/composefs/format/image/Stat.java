package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Timespec;

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
 * @param mtimeSeconds the modification time: seconds since the epoch
 * @param mtimeNanos   the modification time: nanoseconds, as stored (unsigned)
 * @param ctimeSeconds the change time (formats without one report the modification time)
 * @param ctimeNanos   the change time's nanoseconds
 */
public record Stat(long ino, int mode, long nlink, long uid, long gid, long rdev, long size,
        long mtimeSeconds, int mtimeNanos, long ctimeSeconds, int ctimeNanos) {

    /**
     * A stat with the times as {@link Timespec}s. The record holds them as numbers: a walk makes one
     * stat per entry, and two time objects each would double what it allocates.
     */
    public Stat(long ino, int mode, long nlink, long uid, long gid, long rdev, long size, Timespec mtime,
            Timespec ctime) {
        this(ino, mode, nlink, uid, gid, rdev, size, mtime.seconds(), mtime.nanos(), ctime.seconds(), ctime.nanos());
    }

    /** The modification time. */
    public Timespec mtime() {
        return new Timespec(mtimeSeconds, mtimeNanos);
    }

    /** The change time. */
    public Timespec ctime() {
        return new Timespec(ctimeSeconds, ctimeNanos);
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
