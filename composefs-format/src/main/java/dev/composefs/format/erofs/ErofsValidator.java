package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.Stat;
import dev.composefs.format.internal.InodeMarks;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks {@link ErofsReader} applies to each part of an image when a call first reaches it, in
 * the manner of composefs-rs' restricted mode, so that opening costs constant time and a damaged part
 * is reported, by the same rules, by whichever call touches it.
 *
 * <p>{@link #inode} decodes an inode and checks, in constant time, its header and data layout, that
 * its data blocks, inline tail or chunk map and its xattr body lie in the file, that a directory is
 * not empty and that a symlink target is 1..4095 bytes. What grows with the answer is checked by the
 * call that reads it: the target's bytes ({@link #symlinkTarget}), the xattr entries
 * ({@link #xattrEntries}), a chunk map and an external file's metadata (by {@code content}).
 * {@link #plainStat} applies the same constant-time rules to the common inode as predicates over its
 * fields, giving its status without the intermediate objects; it declines anything else, which then
 * takes {@link #inode}, so that every report comes from one place.
 *
 * <p>A directory is checked the first time it is listed or searched, and remembered
 * ({@link InodeMarks}): whole before its first search ({@link #directory}), along its first listing
 * otherwise, entry by entry, each entry served only once it passed ({@link ErofsDirectoryCheck}). The
 * rules: every block's dirents and names; names strictly increasing within and across
 * blocks (the binary search depends on it); {@code .} naming the directory and, in the root,
 * {@code ..} naming the root; every entry's inode decoding and having the dirent's file type; nlink
 * being 2 plus the subdirectories; and every subdirectory C being neither the root nor the directory
 * itself, named only once by it, and naming it in C's own {@code ..} entry.
 *
 * <p>That last rule makes the directories the reader serves a tree without a global walk. Let
 * parent(C) be the nid of the {@code ..} entry {@link ErofsDirectory#parentEntry} finds in C: a
 * function of C's bytes, so C has one. A checked directory P names a
 * subdirectory C only if parent(C) = P, C is not the root, and only once; and the reader serves
 * only entries that passed these rules (a first listing checks each before serving it, a
 * subdirectory's second name included). So among the names the reader serves, the root is named by no
 * directory and every other directory by at most one, once. A directory reached from the root along
 * two paths, or a cycle reachable from the root, would need a directory named twice (where the paths
 * meet, or where the path from the root enters the cycle), so walks from the root neither loop nor
 * multiply (a DAG-shaped "bomb" fails at its first shared directory). A cycle that no path from the
 * root enters may pass these checks, but no walk from the root reaches it.
 *
 * <p>Costs: each call's checks read only what its answer is made of, plus constants. Checking a
 * directory reads its blocks once, decodes each entry's inode header and, per subdirectory, one
 * dirent where {@code ..} nearly always is, or the O(log blocks) names its {@code ..} search compares; a directory that fails is checked again, at the
 * same cost, by the next call that asks. Deciding whether an empty regular file is a whiteout reads
 * its xattr names: at most its own body and 255 shared entries, never values. Structures shared by
 * many inodes are read by each call for its own answer only, and nothing walks every inode, so
 * sharing cannot multiply one call's work, and no whole-image budget is needed.
 * Thread-safe: concurrent first calls may check the same directory twice, with the same outcome.
 */
final class ErofsValidator {
    /** The longest symlink target ({@code PATH_MAX} - 1). */
    static final int SYMLINK_MAX = 4095;

    private final ImageData data;
    private final ErofsVolume volume;
    private final ErofsXattrs xattrs;
    private final InodeMarks checkedDirectories;
    /** Entries of checked directories that are character devices with rdev 0 ({@link ErofsInode#isRawWhiteout}). */
    private final InodeMarks rawWhiteouts;
    /** Entries of checked directories that are empty regular files with xattrs: possible escaped whiteouts. */
    private final InodeMarks emptyWithXattrs;
    /**
     * The subdirectory a check passed last, decoded: a walk opens it next, and taking it from here
     * spares decoding its inode again. Immutable, so a racing reader sees it whole or not at all.
     */
    private volatile ErofsDirectory lastSubdirectory;

    ErofsValidator(ImageData data, ErofsVolume volume, ErofsXattrs xattrs) {
        this.data = data;
        this.volume = volume;
        this.xattrs = xattrs;
        this.checkedDirectories = new InodeMarks(volume.inodeSlots(data.size()));
        this.rawWhiteouts = new InodeMarks(volume.inodeSlots(data.size()));
        this.emptyWithXattrs = new InodeMarks(volume.inodeSlots(data.size()));
    }

    /** Whether inode slot {@code nid} starts inside the file. */
    boolean inFile(long nid) {
        return volume.inodeOffset(nid, data.size()) >= 0;
    }

    /** Checks the root inode: it lies in the file, decodes and is a directory (its entries wait for their first use). */
    ErofsInode root() throws IOException {
        long rootNid = volume.rootNid();
        if (!inFile(rootNid)) {
            throw data.corrupt(ErofsLayout.EROFS_SUPER_OFFSET + Superblock.OFF_ROOT_NID, rootNid, "root_nid "
                    + rootNid + " lies past the end of the file");
        }
        ErofsInode root = inode(rootNid);
        if (root.type() != FileType.DIRECTORY) {
            throw data.corrupt(root.offset(), rootNid, "the root inode is a " + root.type() + ", not a directory");
        }
        return root;
    }

    /**
     * Decodes inode {@code nid}, whose slot lies in the file ({@link #inFile}), and checks it in
     * constant time.
     */
    ErofsInode inode(long nid) throws IOException {
        ErofsInode inode = ErofsInode.read(data, volume, nid);
        new InodeData(data, inode).check();
        xattrs.checkBody(inode);
        if (inode.type() == FileType.DIRECTORY && inode.size() == 0) {
            throw data.corrupt(inode.offset(), nid, "directory has no entries, not even '.' and '..'");
        }
        if (inode.type() == FileType.SYMLINK && (inode.size() < 1 || inode.size() > SYMLINK_MAX)) {
            throw data.corrupt(inode.offset(), nid, "symlink target of " + inode.size() + " bytes (must be 1.."
                    + SYMLINK_MAX + ")");
        }
        return inode;
    }

    /**
     * The status of inode {@code nid} if it is the common case: its slot lies in the file, it passes
     * every rule of {@link #inode}, and it is not one the mounted view presents otherwise than stored
     * (a character device with rdev 0, an empty regular file with xattrs; see {@link #remember}).
     * Otherwise {@code null}, and the caller takes the general path, which reports what is wrong. The same rules as {@link #inode}, as predicates over fields read once:
     * a walk asks for the status of every entry, and building an {@link ErofsInode} and its
     * {@link InodeData} first cost more than the reads.
     */
    Stat plainStat(long nid) throws IOException {
        long offset = volume.inodeOffset(nid, data.size());
        if (offset < 0 || !data.inBounds(offset, ErofsLayout.COMPACT_INODE_SIZE)) {
            return null;
        }
        int format = data.u16(offset + InodeRecord.OFF_FORMAT);
        boolean extended = (format >> ErofsLayout.EROFS_I_VERSION_BIT & 1) != 0;
        int headerSize = extended ? ErofsLayout.EXTENDED_INODE_SIZE : ErofsLayout.COMPACT_INODE_SIZE;
        if ((format & ErofsInode.FORMAT_UNKNOWN_BITS) != 0 || !data.inBounds(offset, headerSize)) {
            return null;
        }
        ImageData.Window w = data.window(offset, headerSize, nid, "inode");
        int layout = format >> ErofsLayout.EROFS_I_DATALAYOUT_BIT & 7;
        int mode = w.u16(InodeRecord.OFF_MODE);
        FileType type = FileType.ofMode(mode);
        int xattrSize = XattrLayout.bodySize(w.u16(InodeRecord.OFF_XATTR_ICOUNT));
        long size = extended ? w.u64(InodeRecord.OFF_EXTENDED_SIZE) : w.u32(InodeRecord.OFF_COMPACT_SIZE);
        long u = w.u32(InodeRecord.OFF_U);
        long body = offset + headerSize;
        boolean sound = type != null && size >= 0
                && (layout == ErofsLayout.EROFS_INODE_FLAT_PLAIN || layout == ErofsLayout.EROFS_INODE_FLAT_INLINE
                    || (layout == ErofsLayout.EROFS_INODE_CHUNK_BASED && type == FileType.REGULAR))
                && (type != FileType.SYMLINK || (size >= 1 && size <= SYMLINK_MAX))
                && (type != FileType.DIRECTORY || size > 0)
                && (type != FileType.CHAR_DEVICE || u != 0)
                && (type != FileType.REGULAR || size != 0 || xattrSize == 0)
                && xattrs.bodyFits(body, xattrSize)
                && InodeData.fits(data, layout, size, u, body + xattrSize);
        if (!sound) {
            return null;
        }
        long rdev = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE ? u : 0;
        return extended
                ? new Stat(nid, mode, w.u32(InodeRecord.OFF_EXTENDED_NLINK), w.u32(InodeRecord.OFF_EXTENDED_UID),
                        w.u32(InodeRecord.OFF_EXTENDED_GID), rdev, size, w.u64(InodeRecord.OFF_EXTENDED_MTIME),
                        (int) w.u32(InodeRecord.OFF_EXTENDED_MTIME_NSEC), w.u64(InodeRecord.OFF_EXTENDED_MTIME),
                        (int) w.u32(InodeRecord.OFF_EXTENDED_MTIME_NSEC))
                : new Stat(nid, mode, w.u16(InodeRecord.OFF_COMPACT_NLINK), w.u16(InodeRecord.OFF_COMPACT_UID),
                        w.u16(InodeRecord.OFF_COMPACT_GID), rdev, size, volume.buildTime(), (int) volume.buildTimeNsec(),
                        volume.buildTime(), (int) volume.buildTimeNsec());
    }

    /**
     * Whether inode {@code nid}, which a checked directory names, is a character device with rdev 0:
     * what the mounted view hides. Remembered when the directory was checked, so listing a directory
     * reads its blocks and not the inode of every entry.
     */
    boolean isRawWhiteout(long nid) {
        return rawWhiteouts.contains(nid);
    }

    /**
     * Whether inode {@code nid}, which a checked directory names, is an empty regular file with xattrs:
     * the only regular files the mounted view may show as whiteouts. Remembered as {@link #isRawWhiteout}.
     */
    boolean isEmptyWithXattrs(long nid) {
        return emptyWithXattrs.contains(nid);
    }

    /** The target of a symlink {@link #inode} decoded, checked for NUL. */
    byte[] symlinkTarget(ErofsInode inode) throws IOException {
        byte[] target = new InodeData(data, inode).readAll();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0) {
                throw data.corrupt(inode.offset(), inode.nid(), "symlink target contains NUL at byte " + i);
            }
        }
        return target;
    }

    /** The checked xattr entries of {@code inode} ({@link ErofsXattrs#entries}), no name twice. */
    List<ErofsXattrs.Entry> xattrEntries(ErofsInode inode) throws IOException {
        List<ErofsXattrs.Entry> stored = xattrs.entries(inode);
        if (stored.size() > 1) {
            Set<Name> names = new HashSet<>();
            for (ErofsXattrs.Entry x : stored) {
                if (!names.add(x.name())) {
                    throw data.corrupt(inode.xattrOffset(), inode.nid(), "xattr '" + x.name() + "' appears twice");
                }
            }
        }
        return stored;
    }

    /** Directory {@code d}, checked whole the first time it is asked for. */
    ErofsDirectory directory(ErofsDirectory d) throws IOException {
        ErofsDirectoryCheck check = checkFor(d);
        if (check != null) {
            for (int b = 0; b < d.blockCount(); b++) {
                int count = check.checkBlock(b);
                for (int e = 0; e < count; e++) {
                    check.checkEntry(e);
                }
            }
            check.finish();
        }
        return d;
    }

    /**
     * A check of directory {@code d} to run along its first listing ({@link ErofsDirectoryCursor}), or
     * {@code null} if it was checked already.
     */
    ErofsDirectoryCheck checkFor(ErofsDirectory d) {
        return checkedDirectories.contains(d.inode().nid()) ? null : new ErofsDirectoryCheck(this, data, d);
    }

    /** Remembers that directory {@code nid} passed its check ({@link ErofsDirectoryCheck#finish}). */
    void checked(long nid) {
        checkedDirectories.add(nid);
    }

    /**
     * Remembers what the mounted view needs to know about {@code child}, an entry of a directory being
     * checked that is not a directory ({@link #isRawWhiteout}, {@link #isEmptyWithXattrs}).
     */
    void remember(ErofsInode child) {
        if (child.isRawWhiteout()) {
            rawWhiteouts.add(child.nid());
        } else if (child.type() == FileType.REGULAR && child.size() == 0 && child.xattrSize() > 0) {
            emptyWithXattrs.add(child.nid());
        }
    }

    /** Notes {@code d}, a subdirectory whose inode passed {@link #inode}, for {@link #recentSubdirectory}. */
    void passed(ErofsDirectory d) {
        lastSubdirectory = d;
    }

    /** Directory {@code nid} as a check decoded it just before, or null: the same as decoding it again. */
    ErofsDirectory recentSubdirectory(long nid) {
        ErofsDirectory d = lastSubdirectory;
        return d != null && d.inode().nid() == nid ? d : null;
    }

    /** The nid of the root directory. */
    long rootNid() {
        return volume.rootNid();
    }
}
