package dev.composefs.format.erofs;

import dev.composefs.format.image.ImageData;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a whole EROFS image when it is opened, in the manner of composefs-rs' restricted mode: a
 * breadth-first walk from the root that decodes every reachable inode once and checks its data
 * ranges, xattrs, symlink target and external-file metadata; every directory block's dirents and names;
 * the order of names across blocks (binary search depends on it); that {@code .} names the directory
 * itself and {@code ..} its parent; that a directory's nlink is 2 plus its subdirectories; that every
 * dirent's file type matches its inode; and that no directory is named twice or names the root, so the
 * directories form a tree and no walk can loop. The walk is iterative and visits each directory once.
 */
final class ErofsValidator {
    /** The longest symlink target ({@code PATH_MAX} - 1). */
    private static final int SYMLINK_MAX = 4095;

    private final ImageData data;
    private final ErofsVolume volume;
    private final ErofsXattrs xattrs;
    private final BitSet reachable = new BitSet();
    private final BitSet named = new BitSet();
    private final BitSet rawWhiteouts = new BitSet();
    private final BitSet escapedWhiteouts = new BitSet();
    /**
     * Bytes of metadata the walk may still examine. Well-formed images never let two inodes' headers,
     * xattr bodies, inline data, chunk maps or directory blocks overlap, so all of them together fit the
     * file; a hostile image that makes many inodes share one large structure would otherwise cost time
     * quadratic in its size.
     */
    private long budget;

    ErofsValidator(ImageData data, ErofsVolume volume, ErofsXattrs xattrs) {
        this(data, volume, xattrs, 2 * data.size() + ErofsLayout.BLOCK_SIZE);
    }

    /** A validator that examines at most {@code budget} bytes of metadata. */
    ErofsValidator(ImageData data, ErofsVolume volume, ErofsXattrs xattrs, long budget) {
        this.data = data;
        this.volume = volume;
        this.xattrs = xattrs;
        this.budget = budget;
    }

    /** Takes {@code bytes} from the budget for inode {@code nid}. */
    private void spend(long bytes, ErofsInode inode, String what) throws IOException {
        budget -= bytes;
        if (budget < 0) {
            throw data.corrupt(inode.offset(), inode.nid(), "the " + what + " of this inode overlaps others': the image's"
                    + " structures add up to more than the " + data.size() + "-byte file can hold");
        }
    }

    private record Pending(ErofsInode directory, long parent) {
    }

    /** Walks and checks the image, and returns what the reader needs to know about its inodes. */
    ErofsIndex validate(ImageView view) throws IOException {
        long rootNid = volume.rootNid();
        if (volume.inodeOffset(rootNid, data.size()) < 0) {
            throw data.corrupt(ErofsLayout.EROFS_SUPER_OFFSET + Superblock.OFF_ROOT_NID, rootNid, "root_nid "
                    + rootNid + " lies past the end of the file");
        }
        ErofsInode root = ErofsInode.read(data, volume, rootNid);
        if (root.type() != FileType.DIRECTORY) {
            throw data.corrupt(root.offset(), rootNid, "the root inode is a " + root.type() + ", not a directory");
        }
        visit(root);
        Deque<Pending> pending = new ArrayDeque<>();
        pending.add(new Pending(root, rootNid));
        while (!pending.isEmpty()) {
            Pending p = pending.poll();
            checkDirectory(p.directory(), p.parent(), pending);
        }
        return new ErofsIndex(view, reachable, rawWhiteouts, escapedWhiteouts);
    }

    private void visit(ErofsInode inode) throws IOException {
        int nid = (int) inode.nid();
        if (reachable.get(nid)) {
            return;
        }
        spend(inode.headerSize() + inode.xattrSize(), inode, "header and xattrs");
        new InodeData(data, inode).check();
        List<ErofsXattrs.Entry> stored = xattrs.entries(inode);
        Set<Name> names = new HashSet<>();
        for (ErofsXattrs.Entry x : stored) {
            if (!names.add(x.name())) {
                throw data.corrupt(inode.xattrOffset(), nid, "xattr '" + x.name() + "' appears twice");
            }
        }
        switch (inode.type()) {
            case DIRECTORY:
                if (inode.size() == 0) {
                    throw data.corrupt(inode.offset(), nid, "directory has no entries, not even '.' and '..'");
                }
                spend(inode.size(), inode, "directory data");
                break;
            case SYMLINK:
                checkSymlink(inode);
                break;
            case REGULAR:
                checkRegular(inode, stored);
                break;
            default:
                break;
        }
        if (inode.isRawWhiteout()) {
            rawWhiteouts.set(nid);
        }
        if (OverlayXattrs.isEscapedWhiteout(inode, stored)) {
            escapedWhiteouts.set(nid);
        }
        reachable.set(nid);
    }

    private void checkSymlink(ErofsInode inode) throws IOException {
        if (inode.size() < 1 || inode.size() > SYMLINK_MAX) {
            throw data.corrupt(inode.offset(), inode.nid(), "symlink target of " + inode.size() + " bytes (must be 1.."
                    + SYMLINK_MAX + ")");
        }
        spend(inode.size(), inode, "symlink target");
        byte[] target = new InodeData(data, inode).readAll();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 0) {
                throw data.corrupt(inode.offset(), inode.nid(), "symlink target contains NUL at byte " + i);
            }
        }
    }

    private void checkRegular(ErofsInode inode, List<ErofsXattrs.Entry> stored) throws IOException {
        if (inode.dataLayout() != ErofsLayout.EROFS_INODE_CHUNK_BASED) {
            return;
        }
        if (OverlayXattrs.isExternal(stored)) {
            OverlayXattrs.backing(data, xattrs, inode, stored);
        } else {
            InodeData layout = new InodeData(data, inode);
            spend(layout.chunkCount() * ErofsLayout.CHUNK_BLOCK_ADDRESS_SIZE, inode, "chunk map");
            layout.checkChunks();
        }
    }

    private void checkDirectory(ErofsInode dir, long parent, Deque<Pending> pending) throws IOException {
        long nid = dir.nid();
        ErofsDirectory d = new ErofsDirectory(data, dir);
        boolean dot = false;
        boolean dotdot = false;
        long subdirectories = 0;
        int previousBlock = -1;
        int previousEntry = -1;
        for (int b = 0; b < d.blockCount(); b++) {
            d.checkBlock(b);
            int count = d.entryCount(b);
            for (int e = 0; e < count; e++) {
                long at = d.blockOffset(b) + (long) e * Dirent.SIZE;
                if (previousBlock >= 0 && d.compare(b, e, previousBlock, previousEntry) <= 0) {
                    throw data.corrupt(at, nid, "dirent '" + name(d, b, e) + "' does not sort after '"
                            + name(d, previousBlock, previousEntry) + "': names must be unique and in byte order");
                }
                previousBlock = b;
                previousEntry = e;
                long target = d.nid(b, e);
                FileType direntType = ErofsDirectory.fileType(d.fileType(b, e));
                if (d.isDotOrDotDot(b, e)) {
                    boolean isDot = d.nameLength(b, e) == 1;
                    long expected = isDot ? nid : parent;
                    if (target != expected || direntType != FileType.DIRECTORY) {
                        throw data.corrupt(at, nid, "'" + name(d, b, e) + "' names nid " + Long.toUnsignedString(target)
                                + " of type " + direntType + ", not directory " + expected);
                    }
                    dot |= isDot;
                    dotdot |= !isDot;
                    continue;
                }
                if (volume.inodeOffset(target, data.size()) < 0) {
                    throw data.corrupt(at + Dirent.OFF_NID, nid, "dirent '" + name(d, b, e) + "' names nid "
                            + Long.toUnsignedString(target) + ", past the end of the file");
                }
                ErofsInode child = ErofsInode.read(data, volume, target);
                if (direntType != child.type()) {
                    throw data.corrupt(at + Dirent.OFF_FILE_TYPE, nid, "dirent '" + name(d, b, e) + "' has file type "
                            + d.fileType(b, e) + " but inode " + target + " is a " + child.type());
                }
                visit(child);
                if (child.type() == FileType.DIRECTORY) {
                    subdirectories++;
                    if (target == volume.rootNid() || named.get((int) target)) {
                        throw data.corrupt(at, nid, "dirent '" + name(d, b, e) + "' names directory " + target + ", which "
                                + (target == volume.rootNid() ? "is the root" : "already has a name")
                                + ": a cycle or a hard-linked directory");
                    }
                    named.set((int) target);
                    pending.add(new Pending(child, nid));
                }
            }
        }
        if (!dot || !dotdot) {
            throw data.corrupt(dir.offset(), nid, "directory lacks its '" + (dot ? ".." : ".") + "' entry");
        }
        if (dir.nlink() != 2 + subdirectories) {
            throw data.corrupt(dir.offset(), nid, "directory nlink " + dir.nlink() + " is not 2 + its "
                    + subdirectories + " subdirectories");
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
