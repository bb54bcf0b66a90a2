package dev.composefs.format.tree.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.testutil.NativeTestFiles;
import dev.composefs.format.testutil.TreeText;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random trees with binary names, binary symlink targets, binary xattr values and nanosecond times are
 * made on disk, scanned, and compared with the tree they were made from.
 */
class DirectoryScannerPropertiesTest {
    private static final byte[] XATTR = "user.p".getBytes(StandardCharsets.US_ASCII);

    /** One entry to create: under the {@code parent}-th directory made so far (modulo their number). */
    record Op(int parent, byte[] name, FileType type, byte[] data, int perm, long seconds, int nanos, byte[] xattr) {
    }

    @Provide
    Arbitrary<List<Op>> ops() {
        Arbitrary<Byte> nameByte = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.bytes().between((byte) 'a', (byte) 'z')),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().filter(b -> b != 0 && b != '/')));
        Arbitrary<byte[]> name = nameByte.array(byte[].class).ofMinSize(1).ofMaxSize(12)
                .filter(n -> !Name.of(n).isDotOrDotDot());
        Arbitrary<FileType> type = Arbitraries.of(FileType.REGULAR, FileType.REGULAR, FileType.DIRECTORY,
                FileType.SYMLINK, FileType.FIFO);
        Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(150);
        Arbitrary<Integer> perm = Arbitraries.integers().between(0, 0777);
        Arbitrary<Long> seconds = Arbitraries.longs().between(0, 4_000_000_000L);
        Arbitrary<Integer> nanos = Arbitraries.integers().between(0, 999_999_999);
        Arbitrary<byte[]> xattr = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).injectNull(0.5);
        Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 1000), name, type, data, perm,
                seconds, nanos, xattr).as(Op::new);
        return op.list().ofMaxSize(30);
    }

    /** A directory made so far: its absolute path bytes, path relative to the root, expected inode. */
    private record Dir(byte[] path, byte[] relative, Inode inode) {
    }

    @Property(tries = 25)
    void scanningAMaterialisedTreeGivesItBack(@ForAll("ops") List<Op> ops) throws IOException {
        Path tmp = Files.createTempDirectory("scanprop");
        try {
            Path root = Files.createDirectory(tmp.resolve("root"));
            long uid = Integer.toUnsignedLong((Integer) Files.getAttribute(root, "unix:uid"));
            long gid = Integer.toUnsignedLong((Integer) Files.getAttribute(root, "unix:gid"));
            byte[] rootPath = root.toString().getBytes(StandardCharsets.US_ASCII);
            Inode expectedRoot = new Inode(0040755).uid(uid).gid(gid).mtime(new Timespec(1000, 1));
            List<Dir> dirs = new ArrayList<>(List.of(new Dir(rootPath, new byte[0], expectedRoot)));
            List<Runnable> finish = new ArrayList<>();
            for (Op op : ops) {
                Dir parent = dirs.get(op.parent() % dirs.size());
                if (parent.inode().child(Name.of(op.name())) != null) {
                    continue;
                }
                byte[] path = join(parent.path(), op.name());
                byte[] relative = parent.relative().length == 0 ? op.name() : join(parent.relative(), op.name());
                Inode expected = make(op, path, relative, uid, gid);
                parent.inode().addChild(Name.of(op.name()), expected);
                if (op.type() == FileType.DIRECTORY) {
                    dirs.add(new Dir(path, relative, expected));
                }
            }
            // Times and directory permissions last: creating entries changes a directory's mtime.
            for (Dir d : dirs) {
                long subdirs = d.inode().children().values().stream().filter(Inode::isDirectory).count();
                d.inode().nlink(2 + subdirs);
                finish.add(() -> setMode(d.path(), d.inode()));
            }
            setTimes(rootPath, expectedRoot, dirs);
            finish.forEach(Runnable::run);

            Tree scanned = new DirectoryScanner(ScanOptions.defaults().withInlineThreshold(64).withThreads(1)).scan(root);
            assertEquals(TreeText.of(new Tree(expectedRoot), false), TreeText.of(scanned, false));
        } finally {
            try (Stream<Path> all = Files.walk(tmp)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Inode make(Op op, byte[] path, byte[] relative, long uid, long gid) throws IOException {
        Timespec mtime = new Timespec(op.seconds(), op.nanos());
        switch (op.type()) {
            case REGULAR -> {
                NativeTestFiles.writeFile(path, op.data());
                Inode f = new Inode(0100000 | op.perm() | 0400).uid(uid).gid(gid).mtime(mtime).size(op.data().length);
                if (op.data().length > 64) {
                    f.payload(relative);
                } else if (op.data().length > 0) {
                    f.content(op.data());
                }
                xattr(op, path, f);
                NativeTestFiles.chmod(path, f.mode() & 07777);
                return f;
            }
            case DIRECTORY -> {
                NativeTestFiles.mkdir(path);
                Inode d = new Inode(0040000 | (op.perm() | 0700)).uid(uid).gid(gid).mtime(mtime);
                xattr(op, path, d);
                return d;
            }
            case SYMLINK -> {
                byte[] target = op.data().length == 0 ? new byte[] {'x'} : op.data().clone();
                for (int i = 0; i < target.length; i++) {
                    if (target[i] == 0) {
                        target[i] = '/';
                    }
                }
                NativeTestFiles.symlink(target, path);
                return new Inode(0120777).uid(uid).gid(gid).mtime(mtime).payload(target).size(target.length);
            }
            case FIFO -> {
                NativeTestFiles.mkfifo(path, 0600);
                Inode p = new Inode(0010000 | op.perm()).uid(uid).gid(gid).mtime(mtime);
                NativeTestFiles.chmod(path, op.perm());
                return p;
            }
            default -> throw new IllegalArgumentException(op.type().toString());
        }
    }

    private static void xattr(Op op, byte[] path, Inode inode) throws IOException {
        if (op.xattr() != null) {
            NativeTestFiles.setXattr(path, "user.p", op.xattr());
            inode.xattrs().add(Xattr.of(Name.of(XATTR), op.xattr()));
        }
    }

    /** Sets every expected mtime, walking the expected tree along with the paths. */
    private static void setTimes(byte[] rootPath, Inode root, List<Dir> dirs) throws IOException {
        NativeTestFiles.setMtime(rootPath, root.mtime().seconds(), root.mtime().nanos());
        for (Dir d : dirs) {
            for (var e : d.inode().children().entrySet()) {
                Timespec t = e.getValue().mtime();
                NativeTestFiles.setMtime(join(d.path(), e.getKey().bytes()), t.seconds(), t.nanos());
            }
        }
    }

    private static void setMode(byte[] path, Inode dir) {
        try {
            NativeTestFiles.chmod(path, dir.mode() & 07777);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] join(byte[] parent, byte[] name) {
        byte[] out = new byte[parent.length + 1 + name.length];
        System.arraycopy(parent, 0, out, 0, parent.length);
        out[parent.length] = '/';
        System.arraycopy(name, 0, out, parent.length + 1, name.length);
        return out;
    }
}
