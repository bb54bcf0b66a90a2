package dev.composefs.format.descriptor;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Small trees and their descriptors, laid out by hand from descriptor-v1.md (not by the writer), with
 * the offsets of interesting fields for the corruption tests.
 */
final class SampleDescriptors {
    private SampleDescriptors() {
    }

    static final byte[] PAYLOAD = "ab/cdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] DIGEST = new byte[32];

    static {
        Arrays.fill(DIGEST, (byte) 0x11);
        DIGEST[31] = (byte) 0xfe;
    }

    /**
     * Tree 1: {@code / {a: reg (payload, digest, xattr), b: reg (same payload and xattr), d: empty dir,
     * l: symlink to the payload bytes}}. Inodes 0 /, 1 a, 2 b, 3 d, 4 l; vdata_offset 128 + 5 * 96 = 608.
     */
    static Tree tree1() {
        Inode root = new Inode(040755).uid(1000).gid(1001).size(4096)
                .mtime(new Timespec(100, 5)).ctime(new Timespec(200, 6));
        Inode a = new Inode(0100644).size(5).payload(PAYLOAD).digest(FsVerityDigest.of(FsVerityAlgorithm.SHA256, DIGEST))
                .mtime(new Timespec(-1, 999_999_999)).ctime(new Timespec(7, 8));
        a.xattrs().add(Xattr.of("user.x", new byte[] {'1'}));
        Inode b = new Inode(0100600).size(5).payload(PAYLOAD).uid(0xffffffffL).gid(7);
        b.xattrs().add(Xattr.of("user.x", new byte[] {'1'}));
        Inode d = new Inode(040700);
        Inode l = new Inode(0120777).size(7).payload(PAYLOAD);
        root.addChild(Name.of("l"), l).addChild(Name.of("d"), d).addChild(Name.of("b"), b).addChild(Name.of("a"), a);
        return new Tree(root);
    }

    static final int T1_VDATA = 608;
    /** Offsets of tree 1's vdata blobs, relative to vdata: root dirents 0 (56 B), payload 56 (7 B), digest 63, xattrs 96 (13 B). */
    static final int T1_DIRENTS = 0;
    static final int T1_PAYLOAD = 56;
    static final int T1_DIGEST = 63;
    static final int T1_XATTRS = 96;
    static final int T1_SIZE = T1_VDATA + 109;

    static byte[] expected1() {
        Le b = new Le(T1_SIZE);
        b.u32(0, 1).u32(4, 0xc078629a).u64(8, T1_VDATA);
        inode(b, 0, 040755, 3, 1000, 1001, 0, 4096, 100, 5, 200, 6);
        ref(b, 0, 52, T1_DIRENTS, 56);
        inode(b, 1, 0100644, 1, 0, 0, 0, 5, -1, 999_999_999, 7, 8);
        ref(b, 1, 52, T1_PAYLOAD, 7);
        ref(b, 1, 64, T1_XATTRS, 13);
        ref(b, 1, 76, T1_DIGEST, 32);
        inode(b, 2, 0100600, 1, 0xffffffffL, 7, 0, 5, 0, 0, 0, 0);
        ref(b, 2, 52, T1_PAYLOAD, 7);
        ref(b, 2, 64, T1_XATTRS, 13);
        inode(b, 3, 040700, 2, 0, 0, 0, 0, 0, 0, 0, 0);
        inode(b, 4, 0120777, 1, 0, 0, 0, 7, 0, 0, 0, 0);
        ref(b, 4, 52, T1_PAYLOAD, 7);
        int v = T1_VDATA;
        // Root dirents: 4 entries {inode_num, name_offset, name_len, d_type, pad}, then names "abdl".
        b.u32(v, 4);
        dirent(b, v + 4, 1, 0, 1, 8);
        dirent(b, v + 16, 2, 1, 1, 8);
        dirent(b, v + 28, 3, 2, 1, 4);
        dirent(b, v + 40, 4, 3, 1, 10);
        b.bytes(v + 52, "abdl".getBytes(StandardCharsets.US_ASCII));
        b.bytes(v + T1_PAYLOAD, PAYLOAD);
        b.bytes(v + T1_DIGEST, DIGEST);
        // 63 + 32 = 95, padded to 96 for the xattr blob: n_attr 1, {6, 1}, "user.x" "1".
        b.u16(v + T1_XATTRS, 1).u16(v + T1_XATTRS + 2, 6).u16(v + T1_XATTRS + 4, 1);
        b.bytes(v + T1_XATTRS + 6, "user.x1".getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /**
     * Tree 2: {@code / {f: reg size 3 payload "p", s: dir {t: fifo}}}, root and t with the same xattr.
     * Inodes 0 /, 1 f, 2 s, 3 t; vdata_offset 128 + 4 * 96 = 512. vdata: root dirents at 0 (30 B),
     * "p" at 30, s's dirents aligned to 32 (17 B, to 49), xattr blob aligned to 52 (7 B, to 59).
     */
    static Tree tree2() {
        Inode root = new Inode(040755);
        root.xattrs().add(Xattr.of("a", new byte[0]));
        Inode f = new Inode(0100644).size(3).payload(new byte[] {'p'});
        Inode s = new Inode(040755).nlink(99);
        Inode t = new Inode(010644).nlink(1);
        t.xattrs().add(Xattr.of("a", new byte[0]));
        s.addChild(Name.of("t"), t);
        root.addChild(Name.of("s"), s).addChild(Name.of("f"), f);
        return new Tree(root);
    }

    static final int T2_VDATA = 512;
    static final int T2_S_DIRENTS = 32;
    static final int T2_SIZE = T2_VDATA + 59;

    static byte[] expected2() {
        Le b = new Le(T2_SIZE);
        b.u32(0, 1).u32(4, 0xc078629a).u64(8, T2_VDATA);
        inode(b, 0, 040755, 3, 0, 0, 0, 0, 0, 0, 0, 0);
        ref(b, 0, 52, 0, 30);
        ref(b, 0, 64, 52, 7);
        inode(b, 1, 0100644, 1, 0, 0, 0, 3, 0, 0, 0, 0);
        ref(b, 1, 52, 30, 1);
        inode(b, 2, 040755, 2, 0, 0, 0, 0, 0, 0, 0, 0);
        ref(b, 2, 52, T2_S_DIRENTS, 17);
        inode(b, 3, 010644, 1, 0, 0, 0, 0, 0, 0, 0, 0);
        ref(b, 3, 64, 52, 7);
        int v = T2_VDATA;
        b.u32(v, 2);
        dirent(b, v + 4, 1, 0, 1, 8);
        dirent(b, v + 16, 2, 1, 1, 4);
        b.bytes(v + 28, "fs".getBytes(StandardCharsets.US_ASCII));
        b.bytes(v + 30, new byte[] {'p'});
        b.u32(v + 32, 1);
        dirent(b, v + 36, 3, 0, 1, 1);
        b.bytes(v + 48, new byte[] {'t'});
        b.u16(v + 52, 1).u16(v + 54, 1).u16(v + 56, 0);
        b.bytes(v + 58, new byte[] {'a'});
        return b.array();
    }

    static int inodeAt(int ino) {
        return 128 + 96 * ino;
    }

    private static void inode(Le b, int ino, int mode, long nlink, long uid, long gid, long rdev, long size,
            long mtime, int mtimeNsec, long ctime, int ctimeNsec) {
        int at = inodeAt(ino);
        b.u32(at, mode).u32(at + 4, nlink).u32(at + 8, uid).u32(at + 12, gid).u32(at + 16, rdev).u64(at + 20, size)
                .u64(at + 28, mtime).u32(at + 36, mtimeNsec).u64(at + 40, ctime).u32(at + 48, ctimeNsec);
    }

    private static void ref(Le b, int ino, int field, long off, long len) {
        b.u64(inodeAt(ino) + field, off).u32(inodeAt(ino) + field + 8, len);
    }

    private static void dirent(Le b, int at, long ino, long nameOffset, int nameLength, int dType) {
        b.u32(at, ino).u32(at + 4, nameOffset).u8(at + 8, nameLength).u8(at + 9, dType);
    }

    /** A little-endian byte array filled at explicit offsets. */
    static final class Le {
        private final ByteBuffer b;

        Le(int size) {
            b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        }

        Le(byte[] bytes) {
            b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        Le u8(int at, int v) {
            b.put(at, (byte) v);
            return this;
        }

        Le u16(int at, int v) {
            b.putShort(at, (short) v);
            return this;
        }

        Le u32(int at, long v) {
            b.putInt(at, (int) v);
            return this;
        }

        Le u64(int at, long v) {
            b.putLong(at, v);
            return this;
        }

        Le bytes(int at, byte[] v) {
            b.put(at, v);
            return this;
        }

        byte[] array() {
            return b.array();
        }
    }
}
