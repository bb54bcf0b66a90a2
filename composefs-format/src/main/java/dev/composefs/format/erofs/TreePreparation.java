package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Copies a tree into {@link WriterNode}s and applies what composefs does to it before laying out an
 * image (erofs.md 3.2): escaping of {@code trusted.overlay.*}, overlay metacopy/redirect xattrs for
 * external files, whiteouts as escaped regular files, {@code .} and {@code ..}, the root's opaque
 * marker and the 256 {@code 00}..{@code ff} stubs.
 *
 * <p>A hard link's first name in depth-first, byte-ordered walk (the dump order) is its primary
 * name; the others become link entries, as {@code mkcomposefs} treats the lines after the first.
 */
final class TreePreparation {
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] TRUSTED_OVERLAY = bytes("trusted.overlay.");
    private static final byte[] TRUSTED_OVERLAY_OVERLAY = bytes("trusted.overlay.overlay.");
    private static final int MAX_XATTR_NAME = 255;
    private static final int MAX_XATTR_VALUE = 65535;
    private static final int MAX_SYMLINK_TARGET = 4095;
    private static final int S_IFREG = 0100000;
    private static final int STUB_MODE = 0020644;
    private static final Name DOT = Name.of(".");
    private static final Name DOTDOT = Name.of("..");

    /** The prepared copy and the format version chosen for it. */
    record Result(WriterNode root, int version) {
    }

    private TreePreparation() {
    }

    /**
     * Copies and rewrites {@code tree}.
     *
     * @throws IllegalArgumentException if the tree cannot be written: a directory with several names,
     *                                  an external file of more than 1024 chunks, inline content whose
     *                                  length differs from the size, a symlink without a target or with
     *                                  one over 4095 bytes, an xattr name outside 1..255 bytes or a value
     *                                  over 65535 bytes
     */
    static Result prepare(Tree tree, ErofsWriterOptions options) {
        List<WriterNode> preorder = new ArrayList<>();
        WriterNode root = copy(tree, preorder);
        int version = options.minVersion();
        if (options.minVersion() < 1 && options.maxVersion() >= 1 && preorder.stream().anyMatch(TreePreparation::isWhiteout)) {
            version = 1;
        }
        for (WriterNode node : preorder) {
            rewrite(node, version);
        }
        root.setXattr("trusted.overlay.opaque", bytes("y"));
        addStubs(root);
        return new Result(root, version);
    }

    private static WriterNode copy(Tree tree, List<WriterNode> preorder) {
        Map<Inode, WriterNode> seen = new IdentityHashMap<>();
        WriterNode root = copyInode(tree.root(), null, null);
        seen.put(tree.root(), root);
        preorder.add(root);
        Deque<Frame> stack = new ArrayDeque<>();
        stack.push(new Frame(root, tree.root().children().entrySet().iterator()));
        while (!stack.isEmpty()) {
            Frame top = stack.peek();
            if (!top.children.hasNext()) {
                stack.pop();
                continue;
            }
            Map.Entry<Name, Inode> e = top.children.next();
            WriterNode known = seen.get(e.getValue());
            if (known != null) {
                if (known.entries != null) {
                    throw new IllegalArgumentException("directory hard link: " + new WriterNode(e.getKey(), top.node, 0040000).displayPath()
                            + " is also " + known.displayPath());
                }
                top.node.entries.put(e.getKey(), new WriterNode.Entry(known, true));
                continue;
            }
            WriterNode child = copyInode(e.getValue(), e.getKey(), top.node);
            seen.put(e.getValue(), child);
            preorder.add(child);
            top.node.entries.put(e.getKey(), new WriterNode.Entry(child, false));
            if (child.entries != null) {
                stack.push(new Frame(child, e.getValue().children().entrySet().iterator()));
            }
        }
        return root;
    }

    private record Frame(WriterNode node, Iterator<Map.Entry<Name, Inode>> children) {
    }

    private static WriterNode copyInode(Inode src, Name name, WriterNode parent) {
        WriterNode n = new WriterNode(name, parent, src.mode());
        n.nlink = src.nlink();
        n.uid = src.uid();
        n.gid = src.gid();
        n.rdev = src.rdev();
        n.size = src.size();
        n.mtime = src.mtime();
        n.payload = src.payload();
        n.digest = src.digest();
        n.content = src.content();
        for (Xattr x : src.xattrs()) {
            if (x.name().length() < 1 || x.name().length() > MAX_XATTR_NAME || x.valueLength() > MAX_XATTR_VALUE) {
                throw new IllegalArgumentException(n.displayPath() + ": xattr name must be 1..255 bytes and value at most 65535: " + x.name());
            }
            n.xattrs.put(x.name(), x.value());
        }
        return n;
    }

    private static boolean isWhiteout(WriterNode n) {
        return n.type() == FileType.CHAR_DEVICE && n.rdev == 0;
    }

    private static void rewrite(WriterNode node, int version) {
        validate(node);
        escapeOverlayXattrs(node);
        FileType type = node.type();
        if (type == FileType.REGULAR && node.size > 0 && node.content == null) {
            node.setXattr("trusted.overlay.metacopy", metacopy(node));
            if (node.payload != null && node.payload.length > 0) {
                byte[] redirect = new byte[node.payload.length + 1];
                redirect[0] = '/';
                System.arraycopy(node.payload, 0, redirect, 1, node.payload.length);
                node.setXattr("trusted.overlay.redirect", redirect);
            }
        } else if (isWhiteout(node)) {
            node.size = 0;
            node.mode = (node.mode & ~FileType.S_IFMT) | S_IFREG;
            node.setXattr("trusted.overlay.overlay.whiteout", EMPTY);
            node.setXattr("user.overlay.whiteout", EMPTY);
            WriterNode parent = node.parent;
            parent.setXattr("trusted.overlay.overlay.whiteouts", EMPTY);
            parent.setXattr("user.overlay.whiteouts", EMPTY);
            if (version >= 1) {
                parent.setXattr("trusted.overlay.overlay.opaque", bytes("x"));
                parent.setXattr("user.overlay.opaque", bytes("x"));
            }
        } else if (type == FileType.DIRECTORY) {
            node.entries.putIfAbsent(DOT, new WriterNode.Entry(node, true));
            node.entries.putIfAbsent(DOTDOT, new WriterNode.Entry(node.parent == null ? node : node.parent, true));
        }
    }

    private static void validate(WriterNode node) {
        FileType type = node.type();
        if (type == FileType.REGULAR) {
            if (node.content != null && node.content.length != node.size) {
                throw new IllegalArgumentException(node.displayPath() + ": inline content of " + node.content.length
                        + " bytes, but size " + Long.toUnsignedString(node.size));
            }
            if (node.content == null && ChunkLayout.chunkCount(node.size) > ErofsLayout.MAX_CHUNK_COUNT) {
                throw new IllegalArgumentException(node.displayPath() + ": file too big for a composefs image: "
                        + Long.toUnsignedString(node.size) + " bytes");
            }
        } else if (type == FileType.SYMLINK) {
            if (node.payload == null || node.payload.length == 0 || node.payload.length > MAX_SYMLINK_TARGET) {
                throw new IllegalArgumentException(node.displayPath() + ": symlink target must be 1.."
                        + MAX_SYMLINK_TARGET + " bytes");
            }
        }
    }

    private static void escapeOverlayXattrs(WriterNode node) {
        List<Name> escaped = new ArrayList<>();
        for (Name name : node.xattrs.keySet()) {
            if (startsWith(name, TRUSTED_OVERLAY)) {
                escaped.add(name);
            }
        }
        List<Map.Entry<Name, byte[]>> renamed = new ArrayList<>();
        for (Name name : escaped) {
            byte[] key = name.bytes();
            byte[] out = new byte[key.length + TRUSTED_OVERLAY_OVERLAY.length - TRUSTED_OVERLAY.length];
            System.arraycopy(TRUSTED_OVERLAY_OVERLAY, 0, out, 0, TRUSTED_OVERLAY_OVERLAY.length);
            System.arraycopy(key, TRUSTED_OVERLAY.length, out, TRUSTED_OVERLAY_OVERLAY.length, key.length - TRUSTED_OVERLAY.length);
            renamed.add(Map.entry(Name.of(out), node.xattrs.remove(name)));
        }
        for (Map.Entry<Name, byte[]> e : renamed) {
            node.xattrs.put(e.getKey(), e.getValue());
        }
    }

    private static byte[] metacopy(WriterNode node) {
        if (node.digest == null) {
            return EMPTY;
        }
        byte[] digest = node.digest.bytes();
        byte[] value = new byte[4 + digest.length];
        value[0] = 0;
        value[1] = (byte) value.length;
        value[2] = 0;
        value[3] = (byte) node.digest.algorithm().id();
        System.arraycopy(digest, 0, value, 4, digest.length);
        return value;
    }

    private static void addStubs(WriterNode root) {
        byte[] selinux = root.xattrs.get(Name.of("security.selinux"));
        for (int i = 0; i < 256; i++) {
            Name name = Name.of(String.format("%02x", i));
            if (root.entries.containsKey(name)) {
                continue;
            }
            WriterNode stub = new WriterNode(name, root, STUB_MODE);
            stub.nlink = 1;
            stub.uid = root.uid;
            stub.gid = root.gid;
            stub.mtime = root.mtime;
            if (selinux != null) {
                stub.setXattr("security.selinux", selinux);
            }
            root.entries.put(name, new WriterNode.Entry(stub, false));
        }
    }

    private static boolean startsWith(Name name, byte[] prefix) {
        if (name.length() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (name.byteAt(i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
