package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.verity.FsVerityDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;

/**
 * The writer's private, mutable copy of one inode: the caller's tree is copied into these so that the
 * composefs rewrites (escaped xattrs, overlay xattrs, whiteouts, stubs) never touch it. Also carries
 * the layout the writer computes for the inode.
 */
final class WriterNode {
    /** A directory entry: its target, and whether it is a link (a hard link, {@code .} or {@code ..}). */
    record Entry(WriterNode target, boolean link) {
    }

    /** The name in the parent directory ({@code null} for the root); paths are built only for messages. */
    final Name name;
    final WriterNode parent;
    int mode;
    long nlink;
    long uid;
    long gid;
    long rdev;
    long size;
    Timespec mtime;
    final TreeMap<Name, byte[]> xattrs = new TreeMap<>();
    byte[] payload;
    FsVerityDigest digest;
    byte[] content;
    /** Entries by name, in byte order; {@code null} for non-directories. */
    final TreeMap<Name, Entry> entries;

    int inodeNum;
    long dirNlink;
    /** Table offsets of the shared xattrs this inode references, in name order. */
    List<Integer> sharedXattrOffsets;
    List<Name> inlineXattrs;
    int nameFilter;
    int xattrSize;
    boolean extended;
    long nBlocks;
    int tail;
    int chunkBits;
    int chunkCount;
    List<List<Name>> direntGroups;
    long pos;
    int padBefore;
    long blkaddr;

    WriterNode(Name name, WriterNode parent, int mode) {
        this.name = name;
        this.parent = parent;
        this.mode = mode;
        this.entries = FileType.ofMode(mode) == FileType.DIRECTORY ? new TreeMap<>() : null;
    }

    FileType type() {
        return FileType.ofMode(mode);
    }

    /**
     * The path for messages, bytes decoded leniently. Built from the parents on demand: storing every
     * node's full path would cost memory quadratic in a deep tree's depth.
     */
    String displayPath() {
        if (parent == null) {
            return "/";
        }
        java.util.ArrayDeque<Name> names = new java.util.ArrayDeque<>();
        for (WriterNode n = this; n.parent != null; n = n.parent) {
            names.push(n.name);
        }
        StringBuilder sb = new StringBuilder();
        for (Name n : names) {
            sb.append('/').append(new String(n.bytes(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** Sets an xattr, replacing any value the name had. */
    void setXattr(String name, byte[] value) {
        xattrs.put(Name.of(name), value);
    }

    /** The inode header size: 64 for extended, 32 for compact. */
    int inodeHeaderSize() {
        return extended ? ErofsLayout.EXTENDED_INODE_SIZE : ErofsLayout.COMPACT_INODE_SIZE;
    }
}
