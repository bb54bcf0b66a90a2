package dev.composefs.nio;

import dev.composefs.format.image.Stat;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Timespec;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@link CfsFileAttributes} of one inode: a snapshot of its {@link Stat}. Access and creation
 * times are the modification time, as the image stores no other.
 */
record CfsAttributes(Stat stat, CfsFileSystem fileSystem) implements CfsFileAttributes {
    /** Every permission set, by {@code mode & 0777}: each call hands out a copy, as the JDK's provider does. */
    private static final EnumSet<?>[] PERMISSIONS = new EnumSet<?>[01000];

    static {
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int mode = 0; mode < PERMISSIONS.length; mode++) {
            EnumSet<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
            // OWNER_READ .. OTHERS_EXECUTE map to bits 0400 .. 0001 in declaration order.
            for (int i = 0; i < all.length; i++) {
                if ((mode & (0400 >> i)) != 0) {
                    s.add(all[i]);
                }
            }
            PERMISSIONS[mode] = s;
        }
    }


    /** Identifies an inode of one open file system: equal for hard links, distinct across file systems. */
    record FileKey(Object fileSystem, long inode) {
        @Override
        public boolean equals(Object o) {
            return o instanceof FileKey k && k.fileSystem == fileSystem && k.inode == inode;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(fileSystem) * 31 + Long.hashCode(inode);
        }
    }

    static FileTime time(Timespec t) {
        return FileTime.from(Math.addExact(Math.multiplyExact(t.seconds(), 1_000_000_000L),
                Integer.toUnsignedLong(t.nanos()) % 1_000_000_000L), TimeUnit.NANOSECONDS);
    }

    private static FileTime safeTime(Timespec t) {
        try {
            return time(t);
        } catch (ArithmeticException e) {
            // Beyond what nanoseconds in a long hold (year 2262): an Instant still keeps the nanoseconds.
            try {
                return FileTime.from(Instant.ofEpochSecond(t.seconds(), Integer.toUnsignedLong(t.nanos()) % 1_000_000_000L));
            } catch (DateTimeException beyondInstant) {
                return FileTime.from(t.seconds(), TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public FileTime lastModifiedTime() {
        return safeTime(stat.mtime());
    }

    @Override
    public FileTime lastAccessTime() {
        return lastModifiedTime();
    }

    @Override
    public FileTime creationTime() {
        return lastModifiedTime();
    }

    @Override
    public FileTime changeTime() {
        return safeTime(stat.ctime());
    }

    @Override
    public boolean isRegularFile() {
        return stat.type() == FileType.REGULAR;
    }

    @Override
    public boolean isDirectory() {
        return stat.type() == FileType.DIRECTORY;
    }

    @Override
    public boolean isSymbolicLink() {
        return stat.type() == FileType.SYMLINK;
    }

    @Override
    public boolean isOther() {
        FileType t = stat.type();
        return t != FileType.REGULAR && t != FileType.DIRECTORY && t != FileType.SYMLINK;
    }

    @Override
    public long size() {
        return stat.size();
    }

    @Override
    public Object fileKey() {
        return new FileKey(fileSystem, stat.ino());
    }

    @Override
    public UserPrincipal owner() {
        return new NumericPrincipal(stat.uid());
    }

    @Override
    public GroupPrincipal group() {
        return new NumericPrincipal.Group(stat.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(stat.mode());
    }

    @SuppressWarnings("unchecked")
    static Set<PosixFilePermission> permissions(int mode) {
        return ((EnumSet<PosixFilePermission>) PERMISSIONS[mode & 0777]).clone();
    }

    @Override
    public long inode() {
        return stat.ino();
    }

    @Override
    public int mode() {
        return stat.mode();
    }

    @Override
    public long nlink() {
        return stat.nlink();
    }

    @Override
    public long uid() {
        return stat.uid();
    }

    @Override
    public long gid() {
        return stat.gid();
    }

    @Override
    public long rdev() {
        return stat.rdev();
    }
}
