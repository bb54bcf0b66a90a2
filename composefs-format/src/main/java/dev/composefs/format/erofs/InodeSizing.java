package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides, per inode, its xattr body (shared references and inline entries), its data split into
 * whole blocks and an inline tail, and compact versus extended form (erofs.md 3.4 and 3.5).
 */
final class InodeSizing {
    private static final int BLOCK = ErofsLayout.BLOCK_SIZE;
    private static final long U16_MAX = 0xFFFFL;
    private static final long U32_MAX = 0xFFFF_FFFFL;

    private InodeSizing() {
    }

    /** Fills in the xattr, data and form fields of {@code node}. */
    static void size(WriterNode node, SharedXattrTable shared, Timespec minMtime) {
        sizeXattrs(node, shared);
        sizeData(node);
        node.extended = !(node.mtime.equals(minMtime)
                && Long.compareUnsigned(nlink(node), U16_MAX) <= 0
                && Long.compareUnsigned(node.uid, U16_MAX) <= 0
                && Long.compareUnsigned(node.gid, U16_MAX) <= 0
                && Long.compareUnsigned(iSize(node), U32_MAX) <= 0);
    }

    /** {@code i_nlink}: computed for directories, as given otherwise. */
    static long nlink(WriterNode node) {
        return node.entries != null ? node.dirNlink : node.nlink;
    }

    /** {@code i_size}: directory data size, file size, symlink target length, else 0. */
    static long iSize(WriterNode node) {
        switch (node.type()) {
            case DIRECTORY:
                return node.nBlocks * BLOCK + node.tail;
            case REGULAR:
                return node.size;
            case SYMLINK:
                return node.payload.length;
            default:
                return 0;
        }
    }

    private static void sizeXattrs(WriterNode node, SharedXattrTable shared) {
        node.sharedXattrOffsets = new ArrayList<>();
        node.inlineXattrs = new ArrayList<>();
        if (node.xattrs.isEmpty()) {
            node.xattrSize = 0;
            node.nameFilter = 0;
            return;
        }
        int bits = 0;
        int inlineSize = 0;
        for (Map.Entry<Name, byte[]> e : node.xattrs.entrySet()) {
            bits |= 1 << XattrLayout.filterBit(e.getKey());
            int offset = shared.offsetOf(e.getKey(), e.getValue());
            if (offset >= 0 && node.sharedXattrOffsets.size() < XattrLayout.MAX_SHARED_PER_INODE) {
                node.sharedXattrOffsets.add(offset);
            } else {
                node.inlineXattrs.add(e.getKey());
                inlineSize += XattrLayout.entrySize(e.getKey(), e.getValue().length);
            }
        }
        node.nameFilter = ~bits;
        int body = XattrLayout.IBODY_HEADER_SIZE + XattrLayout.SHARED_ID_SIZE * node.sharedXattrOffsets.size() + inlineSize;
        if (XattrLayout.icount(body) > U16_MAX) {
            throw new IllegalArgumentException(node.displayPath() + ": xattrs too large for one inode (" + body + " bytes)");
        }
        node.xattrSize = body;
    }

    private static void sizeData(WriterNode node) {
        node.nBlocks = 0;
        node.tail = 0;
        FileType type = node.type();
        if (type == FileType.DIRECTORY) {
            sizeDirectory(node);
        } else if (type == FileType.SYMLINK) {
            node.tail = node.payload.length;
        } else if (type == FileType.REGULAR && node.size != 0) {
            if (node.content != null) {
                node.nBlocks = node.size / BLOCK;
                node.tail = (int) (node.size % BLOCK);
                if (node.tail > BLOCK / 2) {
                    node.nBlocks++;
                    node.tail = 0;
                }
            } else {
                node.chunkBits = ChunkLayout.chunkBits(node.size);
                node.chunkCount = (int) ChunkLayout.chunkCount(node.size);
                node.tail = ErofsLayout.CHUNK_BLOCK_ADDRESS_SIZE * node.chunkCount;
            }
        }
    }

    /** Groups the entries greedily into blocks; a final group over half a block gets a block too. */
    private static void sizeDirectory(WriterNode node) {
        List<List<Name>> groups = new ArrayList<>();
        List<Name> current = new ArrayList<>();
        int used = 0;
        for (Name name : node.entries.keySet()) {
            int len = Dirent.SIZE + name.length();
            if (used + len > BLOCK) {
                groups.add(current);
                current = new ArrayList<>();
                used = 0;
            }
            current.add(name);
            used += len;
        }
        groups.add(current);
        node.direntGroups = groups;
        node.nBlocks = groups.size() - 1;
        node.tail = used;
        if (used > BLOCK / 2) {
            node.nBlocks++;
            node.tail = 0;
        }
    }
}
