package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageData;
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
 *
 * <p>{@link #directory} checks a directory the first time it is listed or searched, and remembers it
 * ({@link InodeMarks}): every block's dirents and names; names strictly increasing within and across
 * blocks (the binary search depends on it); {@code .} naming the directory and, in the root,
 * {@code ..} naming the root; every entry's inode decoding and having the dirent's file type; nlink
 * being 2 plus the subdirectories; and every subdirectory C being neither the root nor the directory
 * itself, named only once by it, and naming it in C's own {@code ..} entry.
 *
 * <p>That last rule makes the directories the reader serves a tree without a global walk. Let
 * parent(C) be the nid of the {@code ..} entry a guarded search finds in C
 * ({@link ErofsDirectory#find}): a function of C's bytes, so C has one. A checked directory P names a
 * subdirectory C only if parent(C) = P, C is not the root, and only once; and the reader serves
 * entries of checked directories only. So among the names the reader serves, the root is named by no
 * directory and every other directory by at most one, once. A directory reached from the root along
 * two paths, or a cycle reachable from the root, would need a directory named twice (where the paths
 * meet, or where the path from the root enters the cycle), so walks from the root neither loop nor
 * multiply (a DAG-shaped "bomb" fails at its first shared directory). A cycle that no path from the
 * root enters may pass these checks, but no walk from the root reaches it.
 *
 * <p>Costs: each call's checks read only what its answer is made of, plus constants. Checking a
 * directory reads its blocks once, decodes each entry's inode header and, per subdirectory, the
 * O(log blocks) names its {@code ..} search compares; a directory that fails is checked again, at the
 * same cost, by the next call that asks. Deciding whether an empty regular file is a whiteout reads
 * its xattr names: at most its own body and 255 shared entries, never values. Structures shared by
 * many inodes are read by each call for its own answer only, and nothing walks every inode, so
 * sharing cannot multiply one call's work, and no whole-image budget is needed.
 * Thread-safe: concurrent first calls may check the same directory twice, with the same outcome.
 */
final class ErofsValidator {
    /** The longest symlink target ({@code PATH_MAX} - 1). */
    static final int SYMLINK_MAX = 4095;
    private static final byte[] DOTDOT = {'.', '.'};

    private final ImageData data;
    private final ErofsVolume volume;
    private final ErofsXattrs xattrs;
    private final InodeMarks checkedDirectories;
    /** Entries of checked directories that are character devices with rdev 0 ({@link ErofsInode#isRawWhiteout}). */
    private final InodeMarks rawWhiteouts;
    /** Entries of checked directories that are empty regular files with xattrs: possible escaped whiteouts. */
    private final InodeMarks emptyWithXattrs;

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

    /** Directory {@code dir} (an {@link #inode} of type directory), checked the first time it is asked for. */
    ErofsDirectory directory(ErofsInode dir) throws IOException {
        ErofsDirectory d = new ErofsDirectory(data, dir);
        if (!checkedDirectories.contains(dir.nid())) {
            check(d);
            checkedDirectories.add(dir.nid());
        }
        return d;
    }

    private void check(ErofsDirectory d) throws IOException {
        long nid = d.inode().nid();
        boolean dot = false;
        boolean dotdot = false;
        Set<Long> subdirectories = new HashSet<>();
        int previousBlock = -1;
        int previousEntry = -1;
        long previousName = 0;
        int previousLength = 0;
        int[] nameoffs = new int[ErofsDirectory.MAX_ENTRIES];
        int[] lengths = new int[ErofsDirectory.MAX_ENTRIES];
        for (int b = 0; b < d.blockCount(); b++) {
            int count = d.checkBlock(b, nameoffs, lengths);
            long start = d.blockOffset(b);
            for (int e = 0; e < count; e++) {
                long at = start + (long) e * Dirent.SIZE;
                long nameAt = start + nameoffs[e];
                int length = lengths[e];
                if (previousBlock >= 0 && data.compare(nameAt, length, previousName, previousLength) <= 0) {
                    throw data.corrupt(at, nid, "dirent '" + name(d, b, e) + "' does not sort after '"
                            + name(d, previousBlock, previousEntry) + "': names must be unique and in byte order");
                }
                previousBlock = b;
                previousEntry = e;
                previousName = nameAt;
                previousLength = length;
                long target = d.nidAt(at);
                FileType direntType = ErofsDirectory.fileType(d.fileTypeAt(at));
                if (d.isDotOrDotDot(nameAt, length)) {
                    boolean isDot = length == 1;
                    checkDotEntry(d, b, e, isDot);
                    dot |= isDot;
                    dotdot |= !isDot;
                    continue;
                }
                if (!inFile(target)) {
                    throw data.corrupt(at + Dirent.OFF_NID, nid, "dirent '" + name(d, b, e) + "' names nid "
                            + Long.toUnsignedString(target) + ", past the end of the file");
                }
                ErofsInode child = inode(target);
                if (direntType != child.type()) {
                    throw data.corrupt(at + Dirent.OFF_FILE_TYPE, nid, "dirent '" + name(d, b, e) + "' has file type "
                            + d.fileType(b, e) + " but inode " + target + " is a " + child.type());
                }
                if (child.type() == FileType.DIRECTORY) {
                    checkSubdirectory(d, b, e, child, subdirectories);
                } else if (child.isRawWhiteout()) {
                    rawWhiteouts.add(target);
                } else if (child.type() == FileType.REGULAR && child.size() == 0 && child.xattrSize() > 0) {
                    emptyWithXattrs.add(target);
                }
            }
        }
        if (!dot || !dotdot) {
            throw data.corrupt(d.inode().offset(), nid, "directory lacks its '" + (dot ? ".." : ".") + "' entry");
        }
        if (d.inode().nlink() != 2 + subdirectories.size()) {
            throw data.corrupt(d.inode().offset(), nid, "directory nlink " + d.inode().nlink() + " is not 2 + its "
                    + subdirectories.size() + " subdirectories");
        }
    }

    /**
     * {@code .} must name the directory, {@code ..} a directory: in the root the root, elsewhere the
     * parent, which the parent checks ({@link #checkSubdirectory}).
     */
    private void checkDotEntry(ErofsDirectory d, int b, int e, boolean isDot) throws IOException {
        long nid = d.inode().nid();
        long target = d.nid(b, e);
        FileType direntType = ErofsDirectory.fileType(d.fileType(b, e));
        boolean self = isDot || nid == volume.rootNid();
        if (direntType != FileType.DIRECTORY || (self && target != nid)) {
            throw data.corrupt(d.blockOffset(b) + (long) e * Dirent.SIZE, nid, "'" + name(d, b, e) + "' names nid "
                    + Long.toUnsignedString(target) + " of type " + direntType + ", not "
                    + (self ? "directory " + nid : "a directory"));
        }
    }

    /** The rules that keep the served directories a tree; see the class comment. */
    private void checkSubdirectory(ErofsDirectory d, int b, int e, ErofsInode child, Set<Long> subdirectories)
            throws IOException {
        long nid = d.inode().nid();
        long target = child.nid();
        String problem = null;
        if (target == volume.rootNid()) {
            problem = "is the root";
        } else if (target == nid) {
            problem = "is this directory itself";
        } else if (!subdirectories.add(target)) {
            problem = "already has a name in this directory";
        } else {
            ErofsDirectory sub = new ErofsDirectory(data, child);
            long found = sub.find(DOTDOT, 0, DOTDOT.length, true);
            if (found < 0) {
                problem = "has no '..' entry";
            } else {
                long parent = sub.nid(ErofsDirectory.block(found), ErofsDirectory.entry(found));
                if (parent != nid) {
                    problem = "has a '..' entry naming nid " + Long.toUnsignedString(parent) + ", not this directory";
                }
            }
        }
        if (problem != null) {
            throw data.corrupt(d.blockOffset(b) + (long) e * Dirent.SIZE, nid, "dirent '" + name(d, b, e)
                    + "' names directory " + target + ", which " + problem + ": a cycle or a directory with two names");
        }
    }

    private String name(ErofsDirectory d, int block, int entry) throws IOException {
        int length = d.nameLength(block, entry);
        if (length <= 0) {
            return "";
        }
        byte[] b = new byte[length];
        d.copyName(block, entry, b, 0);
        return Name.of(b).toString();
    }
}
