package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import java.util.ArrayList;
import java.util.List;

/**
 * The complete layout of an image before a byte is written (erofs.md 3.3 to 3.6): inodes numbered in
 * breadth-first order, each placed at its offset, shared xattrs after the inodes, data blocks after
 * those.
 */
final class ImagePlan {
    private static final int BLOCK = ErofsLayout.BLOCK_SIZE;
    private static final int SLOT = ErofsLayout.INODE_SLOT_SIZE;
    /** Inodes start right after the superblock. */
    private static final long FIRST_INODE_POS = ErofsLayout.EROFS_SUPER_OFFSET + Superblock.SIZE;
    private static final Name ACL_ACCESS = Name.of("system.posix_acl_access");
    private static final Name ACL_DEFAULT = Name.of("system.posix_acl_default");

    final List<WriterNode> nodes;
    final Timespec minMtime;
    final boolean hasAcl;
    final SharedXattrTable sharedXattrs;
    final long inodesEnd;
    final long dataStart;
    final long blocks;

    private ImagePlan(WriterNode root) {
        nodes = breadthFirst(root);
        Timespec min = null;
        boolean acl = false;
        for (WriterNode n : nodes) {
            if (min == null || n.mtime.compareTo(min) < 0) {
                min = n.mtime;
            }
            acl |= n.xattrs.containsKey(ACL_ACCESS) || n.xattrs.containsKey(ACL_DEFAULT);
        }
        minMtime = min;
        hasAcl = acl;
        sharedXattrs = SharedXattrTable.of(nodes);
        for (WriterNode n : nodes) {
            InodeSizing.size(n, sharedXattrs, minMtime);
        }
        inodesEnd = roundUp(place(nodes), SLOT);
        dataStart = roundUp(inodesEnd + sharedXattrs.size(), BLOCK);
        long cursor = dataStart / BLOCK;
        for (WriterNode n : nodes) {
            if (n.nBlocks > 0) {
                n.blkaddr = cursor;
                cursor += n.nBlocks;
            }
        }
        blocks = cursor;
        if (blocks > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("image too large: " + blocks + " blocks");
        }
        if (root.pos / SLOT >= 0xFFFF) {
            throw new IllegalArgumentException("root inode beyond nid 65534");
        }
    }

    /** Lays out the tree rooted at {@code root}. */
    static ImagePlan of(WriterNode root) {
        return new ImagePlan(root);
    }

    /** Numbers the inodes breadth-first, children in name order, links skipped; counts subdirectories. */
    private static List<WriterNode> breadthFirst(WriterNode root) {
        List<WriterNode> order = new ArrayList<>();
        order.add(root);
        for (int i = 0; i < order.size(); i++) {
            WriterNode n = order.get(i);
            n.inodeNum = i;
            if (n.entries == null) {
                continue;
            }
            long subdirs = 0;
            for (WriterNode.Entry e : n.entries.values()) {
                if (e.link()) {
                    continue;
                }
                order.add(e.target());
                if (e.target().type() == FileType.DIRECTORY) {
                    subdirs++;
                }
            }
            n.dirNlink = 2 + subdirs;
        }
        return order;
    }

    /** Assigns each inode its offset, keeping inline tails inside one block; returns the end. */
    private static long place(List<WriterNode> nodes) {
        long pos = FIRST_INODE_POS;
        for (WriterNode n : nodes) {
            long start = pos;
            pos = roundUp(pos, SLOT);
            int head = n.inodeHeaderSize() + n.xattrSize;
            if (n.type() == FileType.SYMLINK) {
                long total = head + n.tail;
                if (total >= BLOCK) {
                    n.nBlocks = 1;
                    n.tail = 0;
                }
                if (pos / BLOCK != (pos + total - 1) / BLOCK) {
                    pos = roundUp(pos, BLOCK);
                }
            } else if (n.tail > 0) {
                long remaining = BLOCK - (pos + head) % BLOCK;
                if (remaining < n.tail) {
                    long pad = roundUp(remaining, SLOT);
                    if (BLOCK - (pos + pad + head) % BLOCK >= n.tail) {
                        pos += pad;
                    } else {
                        n.nBlocks++;
                        n.tail = 0;
                        pos = roundUp(pos, BLOCK);
                    }
                }
            }
            n.padBefore = (int) (pos - start);
            n.pos = pos;
            pos += head + n.tail;
        }
        return pos;
    }

    static long roundUp(long v, long to) {
        return (v + to - 1) / to * to;
    }
}
