package dev.composefs.format.tree;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityDigest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of composefs trees, for round-trip properties of every source and writer.
 *
 * <p>The trees exercise what the formats must carry: binary names (any byte but {@code /} and NUL,
 * bytes &ge; 0x80 included, up to 255 bytes), every file type (regular files with a backing path and
 * SHA-256 digest, with inline content, or empty; directories; symlinks; character and block devices,
 * whiteouts (character device, rdev 0); fifos; sockets), hard links (the same {@link Inode} under two
 * or more names, never a directory), xattrs in every namespace ({@code user.}, {@code trusted.},
 * {@code security.}, {@code system.posix_acl_access} with a well-formed ACL value, {@code trusted.overlay.*}),
 * uid/gid/rdev up to 2<sup>32</sup>&minus;1, negative and far-future mtimes with nanoseconds.
 *
 * <p>Every generated tree is consistent the way a real source makes it: a regular file's size is its
 * content length (inline) or any positive size (backing file, payload = the digest's object path); a
 * symlink's size is its target length; devices carry rdev, other types rdev 0; a non-directory's nlink
 * is its number of names and a directory's is 2 + its subdirectories; ctime equals mtime (formats
 * without ctime cannot differ; {@link Options#withDistinctCtimes()} draws ctime independently, for the
 * descriptor format). Sizes are bounded: at most {@link Options#maxInodes()} names including
 * the root and depth at most {@link Options#maxDepth()}. Shrinking removes entries.
 *
 * <p>Use {@link #trees()} for formats that hold everything, {@link #treesWithoutInlineContent()} or
 * {@link #treesWithoutHardLinks()} for formats that cannot, or {@link #trees(Options)} to pick.
 */
public final class TreeArbitraries {
    private TreeArbitraries() {
    }

    /**
     * What a generated tree may contain, and how big it may get.
     *
     * @param inlineContent regular files may have inline content (else backing files and empty files only)
     * @param hardLinks     non-directories may have several names
     * @param whiteouts     character devices may have rdev 0 (overlay whiteouts)
     * @param overlayXattrs xattrs may be named {@code trusted.overlay.*}
     * @param maxInodes     the most names in the tree, the root included (at least 1)
     * @param maxDepth      the most directory levels below the root (at least 1)
     * @param distinctCtimes ctime is drawn on its own (else it equals mtime)
     */
    public record Options(boolean inlineContent, boolean hardLinks, boolean whiteouts, boolean overlayXattrs,
                          int maxInodes, int maxDepth, boolean distinctCtimes) {
        /** Validates the bounds. */
        public Options {
            if (maxInodes < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("maxInodes and maxDepth must be at least 1");
            }
        }

        /** Everything allowed; at most 60 names, depth at most 6; ctime equals mtime. */
        public static Options all() {
            return new Options(true, true, true, true, 60, 6, false);
        }

        /** These options, but regular files never have inline content. */
        public Options withoutInlineContent() {
            return new Options(false, hardLinks, whiteouts, overlayXattrs, maxInodes, maxDepth, distinctCtimes);
        }

        /** These options, but every inode has exactly one name. */
        public Options withoutHardLinks() {
            return new Options(inlineContent, false, whiteouts, overlayXattrs, maxInodes, maxDepth, distinctCtimes);
        }

        /** These options, but character devices never have rdev 0. */
        public Options withoutWhiteouts() {
            return new Options(inlineContent, hardLinks, false, overlayXattrs, maxInodes, maxDepth, distinctCtimes);
        }

        /** These options, but no xattr is named {@code trusted.overlay.*}. */
        public Options withoutOverlayXattrs() {
            return new Options(inlineContent, hardLinks, whiteouts, false, maxInodes, maxDepth, distinctCtimes);
        }

        /** These options with another bound on the number of names. */
        public Options withMaxInodes(int max) {
            return new Options(inlineContent, hardLinks, whiteouts, overlayXattrs, max, maxDepth, distinctCtimes);
        }

        /** These options with another bound on the depth. */
        public Options withMaxDepth(int max) {
            return new Options(inlineContent, hardLinks, whiteouts, overlayXattrs, maxInodes, max, distinctCtimes);
        }

        /** These options, but each inode's ctime is drawn independently of its mtime. */
        public Options withDistinctCtimes() {
            return new Options(inlineContent, hardLinks, whiteouts, overlayXattrs, maxInodes, maxDepth, true);
        }
    }

    /** Trees with everything ({@link Options#all()}). */
    public static Arbitrary<Tree> trees() {
        return trees(Options.all());
    }

    /** Trees whose regular files are all backed or empty, never inline. */
    public static Arbitrary<Tree> treesWithoutInlineContent() {
        return trees(Options.all().withoutInlineContent());
    }

    /** Trees in which every inode has exactly one name. */
    public static Arbitrary<Tree> treesWithoutHardLinks() {
        return trees(Options.all().withoutHardLinks());
    }

    /** Trees as {@code options} allow. */
    public static Arbitrary<Tree> trees(Options options) {
        Arbitrary<List<Entry>> entries = entries(options).list().ofMaxSize(options.maxInodes() - 1);
        return Combinators.combine(attributes(options), entries).as((rootAttrs, list) -> build(options, rootAttrs, list));
    }

    /** File names: mostly short ASCII, some binary (bytes &ge; 0x80, controls, spaces), some 200–255 bytes. */
    public static Arbitrary<Name> names() {
        Arbitrary<byte[]> ascii = Arbitraries.strings().withCharRange('!', '~').withChars(' ', '=', '\\', '-')
                .ofMinLength(1).ofMaxLength(12)
                .map(s -> s.replace('/', '_').getBytes(StandardCharsets.US_ASCII));
        Arbitrary<byte[]> binary = nameBytes().array(byte[].class).ofMinSize(1).ofMaxSize(24);
        Arbitrary<byte[]> longName = nameBytes().array(byte[].class).ofMinSize(200).ofMaxSize(Inode.NAME_MAX);
        return Arbitraries.frequencyOf(Tuple.of(6, ascii), Tuple.of(3, binary), Tuple.of(1, longName))
                .map(Name::of)
                .filter(n -> !n.isDotOrDotDot());
    }

    /** Unsigned 32-bit values, weighted towards 0 and small ids, up to 2<sup>32</sup>&minus;1. */
    public static Arbitrary<Long> u32s() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(3, Arbitraries.longs().between(1, 65535)),
                Tuple.of(2, Arbitraries.longs().between(65536, 0xFFFF_FFFFL)),
                Tuple.of(1, Arbitraries.of(0xFFFF_FFFFL, 0xFFFF_FFFEL, 65536L)));
    }

    /** Modification times: negative, around now, far future (to year ~36812); nanoseconds 0..999,999,999. */
    public static Arbitrary<Timespec> timespecs() {
        Arbitrary<Long> seconds = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(0L, -1L, 1633950376L)),
                Tuple.of(4, Arbitraries.longs().between(1_000_000_000L, 2_000_000_000L)),
                Tuple.of(1, Arbitraries.longs().between(-(1L << 36), -1)),
                Tuple.of(1, Arbitraries.longs().between(1L << 32, 1L << 40)));
        Arbitrary<Integer> nanos = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(0)),
                Tuple.of(3, Arbitraries.integers().between(0, 999_999_999)));
        return Combinators.combine(seconds, nanos).as(Timespec::new);
    }

    /** Single xattrs of every namespace; {@code overlay} allows {@code trusted.overlay.*} names. */
    public static Arbitrary<Xattr> xattrs(boolean overlay) {
        Arbitrary<byte[]> suffix = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.strings().alpha().numeric().withChars('.', '_', '-').ofMinLength(1).ofMaxLength(16)
                        .map(s -> s.getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(1, nameBytes().array(byte[].class).ofMinSize(1).ofMaxSize(20)),
                Tuple.of(1, nameBytes().array(byte[].class).ofMinSize(200).ofMaxSize(230)));
        Arbitrary<byte[]> value = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(new byte[0])),
                Tuple.of(1, Arbitraries.of("-", "x", "y", "=", "a=b", " ").map(s -> s.getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMaxSize(64)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(200).ofMaxSize(600)));
        Arbitrary<Xattr> prefixed = Combinators.combine(
                Arbitraries.of("user.", "trusted.", "security."), suffix, value)
                .as((prefix, s, v) -> Xattr.of(Name.of(concat(prefix.getBytes(StandardCharsets.US_ASCII), s)), v));
        Arbitrary<Xattr> selinux = Arbitraries.of("system_u:object_r:bin_t:s0", "unconfined_u:object_r:user_home_t:s0")
                .map(s -> Xattr.of("security.selinux", (s + "\0").getBytes(StandardCharsets.US_ASCII)));
        Arbitrary<Xattr> acl = posixAcls().map(v -> Xattr.of("system.posix_acl_access", v));
        Arbitrary<Xattr> overlayXattr = Combinators.combine(
                Arbitraries.of("opaque", "redirect", "metacopy", "whiteout", "origin", "overlay.opaque", "x"), value)
                .as((s, v) -> Xattr.of("trusted.overlay." + s, v));
        return overlay
                ? Arbitraries.frequencyOf(Tuple.of(6, prefixed), Tuple.of(1, selinux), Tuple.of(1, acl), Tuple.of(1, overlayXattr))
                : Arbitraries.frequencyOf(Tuple.of(6, prefixed), Tuple.of(1, selinux), Tuple.of(1, acl));
    }

    /** Well-formed {@code posix_acl_xattr} values: version 2, USER_OBJ, named users, GROUP_OBJ, MASK, OTHER. */
    public static Arbitrary<byte[]> posixAcls() {
        Arbitrary<List<Long>> namedUsers = u32s().list().ofMaxSize(3);
        Arbitrary<List<Integer>> perms = Arbitraries.integers().between(0, 7).list().ofSize(4);
        return Combinators.combine(namedUsers, perms).as((users, p) -> {
            ByteBuffer b = ByteBuffer.allocate(4 + 8 * (4 + users.size())).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(2);
            aclEntry(b, 0x01, p.get(0), 0xFFFF_FFFFL);
            for (long uid : users) {
                aclEntry(b, 0x02, p.get(1), uid);
            }
            aclEntry(b, 0x04, p.get(1), 0xFFFF_FFFFL);
            if (!users.isEmpty()) {
                aclEntry(b, 0x10, p.get(2), 0xFFFF_FFFFL);
            }
            aclEntry(b, 0x20, p.get(3), 0xFFFF_FFFFL);
            return java.util.Arrays.copyOf(b.array(), b.position());
        });
    }

    private static void aclEntry(ByteBuffer b, int tag, int perm, long id) {
        b.putShort((short) tag).putShort((short) perm).putInt((int) id);
    }

    /** Any byte a file name may hold: not NUL, not {@code /}. */
    private static Arbitrary<Byte> nameBytes() {
        return Arbitraries.bytes().filter(b -> b != 0 && b != '/');
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** The attributes every inode has. */
    private record Attributes(int permissions, long uid, long gid, Timespec mtime, Timespec ctime, List<Xattr> xattrs) {
    }

    private static Arbitrary<Attributes> attributes(Options options) {
        Arbitrary<Integer> permissions = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(0755, 0644, 0555, 0777, 01777)),
                Tuple.of(1, Arbitraries.integers().between(0, 07777)));
        Arbitrary<List<Xattr>> xattrs = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(List.<Xattr>of())),
                Tuple.of(2, xattrs(options.overlayXattrs()).list().ofMinSize(1).ofMaxSize(4)
                        .uniqueElements(Xattr::name)));
        Arbitrary<Timespec> mtimes = timespecs();
        if (!options.distinctCtimes()) {
            return Combinators.combine(permissions, u32s(), u32s(), mtimes, xattrs)
                    .as((p, u, g, m, x) -> new Attributes(p, u, g, m, m, x));
        }
        return Combinators.combine(permissions, u32s(), u32s(), mtimes, timespecs(), xattrs).as(Attributes::new);
    }

    /** What kind of inode a {@link Spec} makes. */
    private enum Kind { EXTERNAL, INLINE, EMPTY, DIRECTORY, SYMLINK, CHAR_DEVICE, BLOCK_DEVICE, WHITEOUT, FIFO, SOCKET }

    /** An immutable description of one inode; {@link #build()} makes a fresh one each time. */
    private record Spec(Kind kind, Attributes attributes, long size, byte[] data, long rdev) {
        Inode build() {
            FileType type = switch (kind) {
                case EXTERNAL, INLINE, EMPTY -> FileType.REGULAR;
                case DIRECTORY -> FileType.DIRECTORY;
                case SYMLINK -> FileType.SYMLINK;
                case CHAR_DEVICE, WHITEOUT -> FileType.CHAR_DEVICE;
                case BLOCK_DEVICE -> FileType.BLOCK_DEVICE;
                case FIFO -> FileType.FIFO;
                case SOCKET -> FileType.SOCKET;
            };
            Inode inode = new Inode(type.modeBits() | attributes.permissions())
                    .uid(attributes.uid()).gid(attributes.gid())
                    .mtime(attributes.mtime()).ctime(attributes.ctime())
                    .rdev(rdev).size(size);
            inode.xattrs().addAll(attributes.xattrs());
            switch (kind) {
                case EXTERNAL -> {
                    FsVerityDigest digest = FsVerityDigest.of(FsVerityAlgorithm.SHA256, data);
                    inode.digest(digest).payload(digest.objectPath().getBytes(StandardCharsets.US_ASCII));
                }
                case INLINE -> inode.content(data);
                case SYMLINK -> inode.payload(data);
                default -> {
                }
            }
            return inode;
        }
    }

    private static Arbitrary<Spec> specs(Options options) {
        Arbitrary<Attributes> attrs = attributes(options);
        Arbitrary<Long> externalSize = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(1L, 4095L, 4096L, 4097L, 1L << 32, (1L << 32) + 1)),
                Tuple.of(4, Arbitraries.longs().between(1, 1L << 20)),
                Tuple.of(1, Arbitraries.longs().between(1L << 20, 1L << 40)));
        Arbitrary<byte[]> digestBytes = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<byte[]> inline = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.of("-", "\\", "a b\n").map(s -> s.getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(5, Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(200)),
                Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(3000).ofMaxSize(5000)));
        Arbitrary<byte[]> target = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("/usr/bin/sh", "../lib", "-", "a b").map(s -> s.getBytes(StandardCharsets.US_ASCII))),
                Tuple.of(3, Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMinSize(1).ofMaxSize(100)),
                Tuple.of(1, Arbitraries.bytes().filter(b -> b != 0).array(byte[].class).ofMinSize(900).ofMaxSize(1024)));
        Arbitrary<Long> deviceNumbers = u32s().filter(r -> r != 0);

        List<Tuple.Tuple2<Integer, Arbitrary<Spec>>> kinds = new ArrayList<>();
        kinds.add(Tuple.of(5, Combinators.combine(attrs, externalSize, digestBytes)
                .as((a, s, d) -> new Spec(Kind.EXTERNAL, a, s, d, 0))));
        if (options.inlineContent()) {
            kinds.add(Tuple.of(3, Combinators.combine(attrs, inline).as((a, c) -> new Spec(Kind.INLINE, a, c.length, c, 0))));
        }
        kinds.add(Tuple.of(2, attrs.map(a -> new Spec(Kind.EMPTY, a, 0, null, 0))));
        kinds.add(Tuple.of(5, attrs.map(a -> new Spec(Kind.DIRECTORY, a, 0, null, 0))));
        kinds.add(Tuple.of(3, Combinators.combine(attrs, target).as((a, t) -> new Spec(Kind.SYMLINK, a, t.length, t, 0))));
        kinds.add(Tuple.of(1, Combinators.combine(attrs, deviceNumbers).as((a, r) -> new Spec(Kind.CHAR_DEVICE, a, 0, null, r))));
        kinds.add(Tuple.of(1, Combinators.combine(attrs, deviceNumbers).as((a, r) -> new Spec(Kind.BLOCK_DEVICE, a, 0, null, r))));
        if (options.whiteouts()) {
            kinds.add(Tuple.of(1, attrs.map(a -> new Spec(Kind.WHITEOUT, a, 0, null, 0))));
        }
        kinds.add(Tuple.of(1, attrs.map(a -> new Spec(Kind.FIFO, a, 0, null, 0))));
        kinds.add(Tuple.of(1, attrs.map(a -> new Spec(Kind.SOCKET, a, 0, null, 0))));
        return Arbitraries.frequencyOf(kinds);
    }

    /**
     * One name of the tree: which directory it goes in (an index into the directories made so far,
     * modulo their number), its name, its inode, and for a hard link (linkPick &ge; 0) which earlier
     * non-directory it names again.
     */
    private record Entry(int parentPick, Name name, Spec spec, int linkPick) {
    }

    private static Arbitrary<Entry> entries(Options options) {
        Arbitrary<Integer> linkPick = options.hardLinks()
                ? Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.just(-1)), Tuple.of(1, Arbitraries.integers().between(0, 1000)))
                : Arbitraries.just(-1);
        return Combinators.combine(Arbitraries.integers().between(0, 1000), names(), specs(options), linkPick)
                .as(Entry::new);
    }

    private static Tree build(Options options, Attributes rootAttributes, List<Entry> entries) {
        Inode root = new Spec(Kind.DIRECTORY, rootAttributes, 0, null, 0).build();
        List<Inode> directories = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<Inode> linkable = new ArrayList<>();
        directories.add(root);
        depths.add(0);
        Map<Inode, Integer> names = new IdentityHashMap<>();
        for (Entry e : entries) {
            List<Integer> open = new ArrayList<>();
            for (int i = 0; i < directories.size(); i++) {
                if (depths.get(i) < options.maxDepth()) {
                    open.add(i);
                }
            }
            int parentIndex = open.get(e.parentPick() % open.size());
            Inode parent = directories.get(parentIndex);
            if (parent.child(e.name()) != null) {
                continue;
            }
            Inode node;
            if (e.linkPick() >= 0 && !linkable.isEmpty()) {
                node = linkable.get(e.linkPick() % linkable.size());
            } else {
                node = e.spec().build();
                if (node.isDirectory()) {
                    directories.add(node);
                    depths.add(depths.get(parentIndex) + 1);
                } else if (!(node.type() == FileType.CHAR_DEVICE && node.rdev() == 0)) {
                    // Whiteouts stay single: the reference reader rejects a whiteout with nlink > 1.
                    linkable.add(node);
                }
            }
            parent.addChild(e.name(), node);
            names.merge(node, 1, Integer::sum);
        }
        for (Map.Entry<Inode, Integer> n : names.entrySet()) {
            n.getKey().nlink(n.getValue());
        }
        for (Inode dir : directories) {
            long subdirectories = dir.children().values().stream().filter(Inode::isDirectory).count();
            dir.nlink(2 + subdirectories);
        }
        return new Tree(root);
    }
}
