package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the bytes of a planned image in one sequential pass (erofs.md 3.7): header, superblock,
 * inodes with their xattrs and inline tails, the shared xattr table, then the data blocks.
 */
final class ImageEmitter {
    private static final int BLOCK = ErofsLayout.BLOCK_SIZE;
    private static final byte[] ZEROS = new byte[BLOCK];
    private static final byte[] NULL_ADDRS = new byte[BLOCK];

    static {
        Arrays.fill(NULL_ADDRS, (byte) 0xFF);
    }

    private final OutputStream out;
    private long written;

    private ImageEmitter(OutputStream out) {
        this.out = out;
    }

    /** Writes the image of {@code plan}, composefs format {@code version}, to {@code out}. */
    static void emit(ImagePlan plan, int version, OutputStream out) throws IOException {
        new ImageEmitter(out).emit(plan, version);
    }

    private void emit(ImagePlan plan, int version) throws IOException {
        write(ComposefsHeader.of(plan.hasAcl, version).encode());
        zerosTo(ErofsLayout.EROFS_SUPER_OFFSET);
        WriterNode root = plan.nodes.get(0);
        write(new Superblock(ErofsLayout.EROFS_FEATURE_COMPAT_MTIME | ErofsLayout.EROFS_FEATURE_COMPAT_XATTR_FILTER,
                ErofsLayout.BLOCK_SIZE_BITS, (int) (root.pos / ErofsLayout.INODE_SLOT_SIZE), plan.nodes.size(),
                plan.minMtime.seconds(), plan.minMtime.nanos(), (int) plan.blocks, 0,
                (int) (plan.inodesEnd / BLOCK), 0).encode());
        long sharedBase = plan.inodesEnd % BLOCK;
        for (WriterNode n : plan.nodes) {
            zeros(n.padBefore);
            checkPosition(n.pos);
            write(inodeRecord(n).encode());
            writeXattrBody(n, sharedBase);
            writeTail(n);
        }
        zerosTo(plan.inodesEnd);
        for (Xattr x : plan.sharedXattrs.entries()) {
            writeXattrEntry(x.name(), x.value());
        }
        zerosTo(plan.dataStart);
        for (WriterNode n : plan.nodes) {
            if (n.nBlocks > 0) {
                checkPosition(n.blkaddr * BLOCK);
                writeBlocks(n);
            }
        }
        out.flush();
    }

    private static boolean isChunkBased(WriterNode n) {
        return n.type() == FileType.REGULAR && n.size != 0 && n.content == null;
    }

    private static InodeRecord inodeRecord(WriterNode n) {
        FileType type = n.type();
        int layout;
        int u;
        long rawBlkaddr = n.nBlocks > 0 ? n.blkaddr : 0;
        if (isChunkBased(n)) {
            layout = ErofsLayout.EROFS_INODE_CHUNK_BASED;
            // The C writer sets the 16-bit chunk format over raw_blkaddr, so its high half survives.
            u = (int) (rawBlkaddr & 0xFFFF0000L) | (n.chunkBits - ErofsLayout.BLOCK_SIZE_BITS);
        } else {
            layout = n.tail > 0 ? ErofsLayout.EROFS_INODE_FLAT_INLINE : ErofsLayout.EROFS_INODE_FLAT_PLAIN;
            u = type == FileType.CHAR_DEVICE || type == FileType.BLOCK_DEVICE ? (int) n.rdev : (int) rawBlkaddr;
        }
        return new InodeRecord(n.extended, layout, XattrLayout.icount(n.xattrSize), n.mode & 0xFFFF,
                InodeSizing.nlink(n), InodeSizing.iSize(n), u, n.inodeNum, n.uid, n.gid,
                n.mtime.seconds(), n.mtime.nanos());
    }

    private void writeXattrBody(WriterNode n, long sharedBase) throws IOException {
        if (n.xattrSize == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(XattrLayout.IBODY_HEADER_SIZE
                + XattrLayout.SHARED_ID_SIZE * n.sharedXattrOffsets.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(XattrLayout.OFF_NAME_FILTER, n.nameFilter);
        b.put(XattrLayout.OFF_SHARED_COUNT, (byte) n.sharedXattrOffsets.size());
        b.position(XattrLayout.IBODY_HEADER_SIZE);
        for (int offset : n.sharedXattrOffsets) {
            b.putInt((int) ((sharedBase + offset) / XattrLayout.SHARED_ID_SIZE));
        }
        write(b.array());
        for (Name name : n.inlineXattrs) {
            writeXattrEntry(name, n.xattrs.get(name));
        }
    }

    private void writeXattrEntry(Name name, byte[] value) throws IOException {
        XattrPrefix prefix = XattrPrefix.forWriting(name);
        byte[] full = name.bytes();
        int suffix = full.length - prefix.prefixLength();
        int size = XattrLayout.entrySize(name, value.length);
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) suffix).put((byte) prefix.index()).putShort((short) value.length);
        b.put(full, prefix.prefixLength(), suffix).put(value);
        write(b.array());
    }

    private void writeTail(WriterNode n) throws IOException {
        if (n.tail == 0) {
            return;
        }
        switch (n.type()) {
            case DIRECTORY:
                write(direntGroup(n, n.direntGroups.get(n.direntGroups.size() - 1)));
                break;
            case SYMLINK:
                write(n.payload);
                break;
            case REGULAR:
                if (n.content != null) {
                    out.write(n.content, n.content.length - n.tail, n.tail);
                    written += n.tail;
                } else {
                    write(NULL_ADDRS, n.tail);
                }
                break;
            default:
                throw new IllegalStateException("tail on a " + n.type());
        }
    }

    private void writeBlocks(WriterNode n) throws IOException {
        switch (n.type()) {
            case DIRECTORY:
                for (int i = 0; i < n.nBlocks; i++) {
                    writeBlock(direntGroup(n, n.direntGroups.get(i)));
                }
                break;
            case SYMLINK:
                writeBlock(n.payload);
                break;
            case REGULAR:
                if (n.content != null) {
                    for (long i = 0; i < n.nBlocks; i++) {
                        int from = (int) Math.min(i * BLOCK, n.content.length);
                        writeBlock(Arrays.copyOfRange(n.content, from, (int) Math.min(from + (long) BLOCK, n.content.length)));
                    }
                } else {
                    // A chunk index too big to stay inline: the C writer emits one block of holes.
                    write(NULL_ADDRS, BLOCK);
                }
                break;
            default:
                throw new IllegalStateException("data blocks on a " + n.type());
        }
    }

    /** The dirents of {@code names}, then the names, as one block or tail. */
    private static byte[] direntGroup(WriterNode dir, List<Name> names) {
        int size = Dirent.SIZE * names.size();
        for (Name name : names) {
            size += name.length();
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        int nameoff = Dirent.SIZE * names.size();
        for (Name name : names) {
            WriterNode target = dir.entries.get(name).target();
            b.putLong(target.pos / ErofsLayout.INODE_SLOT_SIZE);
            b.putShort((short) nameoff);
            b.put((byte) Dirent.fileTypeOfMode(target.mode));
            b.put((byte) 0);
            nameoff += name.length();
        }
        for (Name name : names) {
            b.put(name.bytes());
        }
        return b.array();
    }

    private void writeBlock(byte[] data) throws IOException {
        write(data);
        zeros(BLOCK - data.length);
    }

    private void write(byte[] data) throws IOException {
        write(data, data.length);
    }

    private void write(byte[] data, int length) throws IOException {
        out.write(data, 0, length);
        written += length;
    }

    /** Guards the plan/emitter agreement: a mismatch would silently corrupt every later offset. */
    private void checkPosition(long expected) {
        if (written != expected) {
            throw new IllegalStateException("layout error: at " + written + ", planned " + expected);
        }
    }

    private void zerosTo(long position) throws IOException {
        if (position < written) {
            throw new IllegalStateException("layout error: at " + written + ", expected at most " + position);
        }
        zeros(position - written);
    }

    private void zeros(long count) throws IOException {
        while (count > 0) {
            int n = (int) Math.min(count, ZEROS.length);
            out.write(ZEROS, 0, n);
            written += n;
            count -= n;
        }
    }
}
