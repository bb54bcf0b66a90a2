package dev.composefs.format.descriptor;

import dev.composefs.format.store.AtomicFiles;
import static dev.composefs.format.descriptor.DescriptorLayout.*;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a {@link Tree} as a composefs descriptor (CFS_VERSION 1).
 *
 * <p>For trees without hard links the output is byte-identical to the reference writer of that era
 * (descriptor-v1.md 4.6): inodes in breadth-first order, then vdata built in two passes (dirents,
 * payloads and digests in inode order; then xattrs), with its dedup and alignment rules. A hard-linked
 * file is written once and every name points at it, with nlink counting the names (the reference's
 * extra inode slot per hard link is deliberately not copied). As in the reference, an empty regular
 * file gets no backing path (its payload, if any, is dropped), but keeps a digest if it has one.
 *
 * <p>The writer refuses, with an {@link IllegalArgumentException} naming the path, trees a descriptor
 * cannot represent or that its reader would reject: inline content, a non-empty regular file without
 * a backing path, an absolute or escaping backing path, a digest that is not SHA-256 or is on a
 * non-regular file, xattrs beyond the format's limits, hard-linked directories.
 */
public final class DescriptorWriter {
    private static final int INODE_BATCH = 512;

    private DescriptorWriter() {
    }

    /** The descriptor of {@code tree} as bytes. */
    public static byte[] toBytes(Tree tree) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(tree, out);
        } catch (IOException e) {
            throw new AssertionError("a ByteArrayOutputStream does not fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Writes the descriptor of {@code tree} to {@code out}: the superblock and inode table are
     * streamed; vdata is built in memory first because inodes refer to it. Does not close {@code out}.
     */
    public static void write(Tree tree, OutputStream out) throws IOException {
        Objects.requireNonNull(out, "out");
        InodeNumbering numbering = InodeNumbering.of(tree);
        List<Inode> inodes = numbering.order();
        int count = inodes.size();
        long[] refs = new long[count * 3];
        int[] lengths = new int[count * 3];
        VdataBuilder vdata = new VdataBuilder();
        for (int i = 0; i < count; i++) {
            checkFields(numbering, i);
            appendVariableData(numbering, i, vdata, refs, lengths);
        }
        for (int i = 0; i < count; i++) {
            List<Xattr> xattrs = inodes.get(i).xattrs();
            if (!xattrs.isEmpty()) {
                byte[] blob = xattrBlob(numbering, i, xattrs);
                refs[i * 3 + 1] = vdata.append(blob, true, true);
                lengths[i * 3 + 1] = blob.length;
            }
        }
        long vdataOffset = inodeOffset(count);
        if (vdataOffset + vdata.length() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the descriptor would be " + (vdataOffset + vdata.length())
                    + " bytes; images over 2 GiB are not supported");
        }
        ByteBuffer b = ByteBuffer.allocate(Math.max(SUPERBLOCK_SIZE, INODE_BATCH * INODE_SIZE)).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(SB_VERSION, CFS_VERSION).putInt(SB_MAGIC, CFS_MAGIC).putLong(SB_VDATA_OFFSET, vdataOffset);
        out.write(b.array(), 0, SUPERBLOCK_SIZE);
        for (int start = 0; start < count; start += INODE_BATCH) {
            int end = Math.min(count, start + INODE_BATCH);
            b.clear();
            Arrays.fill(b.array(), (byte) 0);
            for (int i = start; i < end; i++) {
                putInode(b, (i - start) * INODE_SIZE, numbering, i, refs, lengths);
            }
            out.write(b.array(), 0, (end - start) * INODE_SIZE);
        }
        vdata.writeTo(out);
    }

    /**
     * Writes the descriptor of {@code tree} to {@code target} atomically: into a temporary file in
     * the same directory, flushed to disk, then renamed over {@code target}.
     */
    public static void write(Tree tree, Path target) throws IOException {
        AtomicFiles.write(target, out -> write(tree, out));
    }

    private static IllegalArgumentException refuse(InodeNumbering numbering, int ino, String why) {
        return new IllegalArgumentException("cannot write " + numbering.path(ino) + " to a descriptor: " + why);
    }

    /** Pass 1 of vdata for one inode: dirents, payload, digest (reference step 2). */
    private static void appendVariableData(InodeNumbering numbering, int ino, VdataBuilder vdata, long[] refs, int[] lengths) {
        Inode inode = numbering.order().get(ino);
        byte[] variable = null;
        boolean dedup = true;
        switch (inode.type()) {
            case DIRECTORY:
                if (!inode.children().isEmpty()) {
                    variable = direntBlob(numbering, inode);
                    dedup = false;
                }
                break;
            case REGULAR:
                byte[] payload = inode.payload();
                if (inode.size() > 0) {
                    if (payload == null || payload.length == 0) {
                        throw refuse(numbering, ino, inode.content() != null
                                ? "inline content cannot be stored; the file needs a backing path"
                                : "a regular file of " + inode.size() + " bytes has no backing path");
                    }
                    checkBackingPath(numbering, ino, payload);
                    variable = payload;
                }
                break;
            case SYMLINK:
                byte[] target = inode.payload();
                if (target == null || target.length == 0 || target.length > PATH_MAX || indexOf(target, (byte) 0) >= 0) {
                    throw refuse(numbering, ino, "a symlink target must be 1.." + PATH_MAX + " bytes without NUL");
                }
                variable = target;
                break;
            default:
                break;
        }
        if (variable != null) {
            refs[ino * 3] = vdata.append(variable, dedup, !dedup);
            lengths[ino * 3] = variable.length;
        }
        FsVerityDigest digest = inode.digest();
        if (digest != null) {
            if (inode.type() != FileType.REGULAR || digest.algorithm() != FsVerityAlgorithm.SHA256) {
                throw refuse(numbering, ino, "only regular files carry a digest, and only SHA-256: " + digest);
            }
            refs[ino * 3 + 2] = vdata.append(digest.bytes(), true, false);
            lengths[ino * 3 + 2] = DIGEST_SIZE;
        }
    }

    private static void checkBackingPath(InodeNumbering numbering, int ino, byte[] path) {
        if (path.length > PATH_MAX || path[0] == '/' || indexOf(path, (byte) 0) >= 0) {
            throw refuse(numbering, ino, "a backing path must be relative, at most " + PATH_MAX + " bytes, without NUL");
        }
        int start = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                if (i - start == 2 && path[start] == '.' && path[start + 1] == '.') {
                    throw refuse(numbering, ino, "backing path '" + Name.of(path) + "' has a '..' component");
                }
                start = i + 1;
            }
        }
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] direntBlob(InodeNumbering numbering, Inode dir) {
        Map<Name, Inode> children = dir.children();
        int n = children.size();
        int names = 0;
        for (Name name : children.keySet()) {
            names += name.length();
        }
        ByteBuffer b = ByteBuffer.allocate(DIRENTS_HEADER_SIZE + n * DIRENT_SIZE + names).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(n);
        int nameOffset = 0;
        for (Map.Entry<Name, Inode> e : children.entrySet()) {
            b.putInt(numbering.number(e.getValue()))
                    .putInt(nameOffset)
                    .put((byte) e.getKey().length())
                    .put((byte) e.getValue().type().direntType())
                    .putShort((short) 0);
            nameOffset += e.getKey().length();
        }
        for (Name name : children.keySet()) {
            b.put(name.bytes());
        }
        return b.array();
    }

    /** The xattr blob: sorted by key (then value, so equal keys are deterministic too). */
    private static byte[] xattrBlob(InodeNumbering numbering, int ino, List<Xattr> xattrs) {
        List<Xattr> sorted = new ArrayList<>(xattrs);
        sorted.sort(null);
        if (sorted.size() > XATTR_COUNT_MAX) {
            throw refuse(numbering, ino, sorted.size() + " xattrs; at most " + XATTR_COUNT_MAX);
        }
        int size = XATTRS_HEADER_SIZE + sorted.size() * XATTR_ELEMENT_SIZE;
        for (Xattr x : sorted) {
            Name key = x.name();
            if (key.length() == 0 || key.length() > XATTR_NAME_MAX || indexOf(key.bytes(), (byte) 0) >= 0) {
                throw refuse(numbering, ino, "xattr key '" + key + "' must be 1.." + XATTR_NAME_MAX + " bytes without NUL");
            }
            if (x.valueLength() > XATTR_VALUE_MAX) {
                throw refuse(numbering, ino, "xattr '" + key + "' value of " + x.valueLength() + " bytes; at most " + XATTR_VALUE_MAX);
            }
            size += key.length() + x.valueLength();
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) sorted.size());
        for (Xattr x : sorted) {
            b.putShort((short) x.name().length()).putShort((short) x.valueLength());
        }
        for (Xattr x : sorted) {
            b.put(x.name().bytes()).put(x.value());
        }
        return b.array();
    }

    private static void putInode(ByteBuffer b, int at, InodeNumbering numbering, int ino, long[] refs, int[] lengths) {
        Inode inode = numbering.order().get(ino);
        long nlink = numbering.nlink(inode);
        b.putInt(at + ST_MODE, inode.mode())
                .putInt(at + ST_NLINK, (int) nlink)
                .putInt(at + ST_UID, (int) inode.uid())
                .putInt(at + ST_GID, (int) inode.gid())
                .putInt(at + ST_RDEV, (int) inode.rdev())
                .putLong(at + ST_SIZE, inode.size())
                .putLong(at + ST_MTIM_SEC, inode.mtime().seconds())
                .putInt(at + ST_MTIM_NSEC, inode.mtime().nanos())
                .putLong(at + ST_CTIM_SEC, inode.ctime().seconds())
                .putInt(at + ST_CTIM_NSEC, inode.ctime().nanos());
        int[] fields = {VARIABLE_DATA, XATTRS, DIGEST};
        for (int f = 0; f < 3; f++) {
            b.putLong(at + fields[f] + VDATA_OFF, lengths[ino * 3 + f] == 0 ? 0 : refs[ino * 3 + f]);
            b.putInt(at + fields[f] + VDATA_LEN, lengths[ino * 3 + f]);
        }
    }

    /** Checks the fixed fields fit, before anything is written. */
    private static void checkFields(InodeNumbering numbering, int ino) {
        Inode inode = numbering.order().get(ino);
        if ((inode.mode() & ~0177777) != 0 || !fitsU32(numbering.nlink(inode)) || !fitsU32(inode.uid())
                || !fitsU32(inode.gid()) || !fitsU32(inode.rdev()) || inode.size() < 0) {
            throw refuse(numbering, ino, "mode, nlink, uid, gid or rdev out of range, or a negative size");
        }
    }

    private static boolean fitsU32(long v) {
        return v >= 0 && v <= 0xffffffffL;
    }
}
