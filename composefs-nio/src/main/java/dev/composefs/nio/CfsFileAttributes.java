package dev.composefs.nio;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * The attributes of a file in a {@code cfs:} file system: POSIX attributes plus what a {@code stat}
 * of a mounted composefs image shows. A snapshot taken when read; images never change, so it stays
 * true. {@link #fileKey()} identifies the inode within its file system, so hard links compare equal.
 */
public interface CfsFileAttributes extends PosixFileAttributes {
    /** The inode number within the image ({@code st_ino}). */
    long inode();

    /** The full {@code st_mode}: file type and permission bits. */
    int mode();

    /** The link count ({@code st_nlink}). */
    long nlink();

    /** The owner's numeric user id. */
    long uid();

    /** The group's numeric id. */
    long gid();

    /** The device number of a character or block device, 0 for other files. */
    long rdev();

    /** The inode change time ({@code st_ctime}); the modification time for formats that store none. */
    FileTime changeTime();
}
