package dev.composefs.format.tree;

import dev.composefs.verity.FsVerityDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One inode of an in-memory composefs tree: what every source (a directory on disk, a dump file, an
 * image) produces and every writer consumes.
 *
 * <p>Mutable while a source builds it. A hard link is the same {@code Inode} object entered under
 * several names; {@link #nlink()} is stored as the source gave it (writers recompute it for
 * directories). Numeric fields hold the unsigned 32-bit values of the formats in a {@code long}.
 *
 * <p>Content of a regular file is either a backing file, named by {@link #payload()} (normally the
 * object path {@code XX/<rest>} of {@link #digest()}), or inline bytes in {@link #content()}; a symlink's
 * target is its payload.
 */
public final class Inode {
    private int mode;
    private long nlink = 1;
    private long uid;
    private long gid;
    private long rdev;
    private long size;
    private Timespec mtime = Timespec.EPOCH;
    private Timespec ctime = Timespec.EPOCH;
    private final List<Xattr> xattrs = new ArrayList<>();
    private byte[] payload;
    private FsVerityDigest digest;
    private byte[] content;
    private final NavigableMap<Name, Inode> children;

    /**
     * An inode with {@code mode} ({@code st_mode}: type and permission bits).
     *
     * @throws IllegalArgumentException if the type bits name none of the seven file types
     */
    public Inode(int mode) {
        if (FileType.ofMode(mode) == null) {
            throw new IllegalArgumentException("invalid file type in mode 0" + Integer.toOctalString(mode));
        }
        this.mode = mode;
        this.children = FileType.ofMode(mode) == FileType.DIRECTORY ? new TreeMap<>() : null;
    }

    /** The file type, from the mode's type bits. */
    public FileType type() {
        return FileType.ofMode(mode);
    }

    /** Whether this is a directory. */
    public boolean isDirectory() {
        return children != null;
    }

    /** {@code st_mode}: type and permission bits. */
    public int mode() {
        return mode;
    }

    /**
     * Sets the mode; the file type cannot change.
     *
     * @throws IllegalArgumentException if {@code mode}'s type differs from this inode's
     */
    public Inode mode(int mode) {
        if (FileType.ofMode(mode) != type()) {
            throw new IllegalArgumentException("cannot change the file type of an inode: mode 0" + Integer.toOctalString(mode));
        }
        this.mode = mode;
        return this;
    }

    /** The link count as the source gave it. */
    public long nlink() {
        return nlink;
    }

    /** Sets the link count. */
    public Inode nlink(long nlink) {
        this.nlink = nlink;
        return this;
    }

    /** The owner's uid. */
    public long uid() {
        return uid;
    }

    /** Sets the uid. */
    public Inode uid(long uid) {
        this.uid = uid;
        return this;
    }

    /** The group's gid. */
    public long gid() {
        return gid;
    }

    /** Sets the gid. */
    public Inode gid(long gid) {
        this.gid = gid;
        return this;
    }

    /** The device number of a character or block device ({@code dev_t} as Linux encodes it); 0 otherwise. */
    public long rdev() {
        return rdev;
    }

    /** Sets the device number. */
    public Inode rdev(long rdev) {
        this.rdev = rdev;
        return this;
    }

    /** {@code st_size}: a regular file's length, a symlink target's length; formats recompute directories'. */
    public long size() {
        return size;
    }

    /** Sets the size. */
    public Inode size(long size) {
        this.size = size;
        return this;
    }

    /** The modification time. */
    public Timespec mtime() {
        return mtime;
    }

    /** Sets the modification time. */
    public Inode mtime(Timespec mtime) {
        this.mtime = Objects.requireNonNull(mtime);
        return this;
    }

    /** The change time; only the descriptor format stores it (EROFS and dump files do not). */
    public Timespec ctime() {
        return ctime;
    }

    /** Sets the change time. */
    public Inode ctime(Timespec ctime) {
        this.ctime = Objects.requireNonNull(ctime);
        return this;
    }

    /** The xattrs in the order they were added (writers sort them); a live, modifiable list. */
    public List<Xattr> xattrs() {
        return xattrs;
    }

    /** The backing path of a regular file or the target of a symlink, or {@code null}; a copy. */
    public byte[] payload() {
        return payload == null ? null : payload.clone();
    }

    /** Sets the payload (copied); {@code null} for none. */
    public Inode payload(byte[] payload) {
        this.payload = payload == null ? null : payload.clone();
        return this;
    }

    /** The expected fs-verity digest of a regular file's backing object, or {@code null}. */
    public FsVerityDigest digest() {
        return digest;
    }

    /** Sets the expected digest; {@code null} for none. */
    public Inode digest(FsVerityDigest digest) {
        this.digest = digest;
        return this;
    }

    /** Inline content of a regular file, or {@code null} if its content is in a backing file; a copy. */
    public byte[] content() {
        return content == null ? null : content.clone();
    }

    /** Sets the inline content (copied); {@code null} for none. */
    public Inode content(byte[] content) {
        this.content = content == null ? null : content.clone();
        return this;
    }

    /**
     * A directory's entries by name, in byte order; read-only view. Empty for other types.
     */
    public NavigableMap<Name, Inode> children() {
        return children == null ? Collections.emptyNavigableMap() : Collections.unmodifiableNavigableMap(children);
    }

    /** The entry {@code name} of this directory, or {@code null}. */
    public Inode child(Name name) {
        return children == null ? null : children.get(name);
    }

    /**
     * Enters {@code child} under {@code name} in this directory.
     *
     * @throws IllegalStateException    if this is not a directory
     * @throws IllegalArgumentException if the name is empty, {@code .}, {@code ..}, longer than 255
     *                                  bytes, contains {@code /} or NUL, or is already taken
     */
    public Inode addChild(Name name, Inode child) {
        if (children == null) {
            throw new IllegalStateException("not a directory");
        }
        checkName(name);
        if (children.putIfAbsent(name, Objects.requireNonNull(child)) != null) {
            throw new IllegalArgumentException("duplicate entry: " + name);
        }
        return this;
    }

    /** Removes the entry {@code name} from this directory; returns the inode it named, or {@code null}. */
    public Inode removeChild(Name name) {
        return children == null ? null : children.remove(name);
    }

    /** The longest file name every composefs format and Linux accept. */
    public static final int NAME_MAX = 255;

    private static void checkName(Name name) {
        if (name.length() == 0 || name.isDotOrDotDot() || name.length() > NAME_MAX) {
            throw new IllegalArgumentException("invalid file name: '" + name + "'");
        }
        for (int i = 0; i < name.length(); i++) {
            byte b = name.byteAt(i);
            if (b == '/' || b == 0) {
                throw new IllegalArgumentException("file name contains '/' or NUL: '" + name + "'");
            }
        }
    }
}
