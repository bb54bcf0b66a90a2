package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.image.ImageView;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import dev.composefs.format.tree.source.DirectoryScanner;
import dev.composefs.format.tree.source.PayloadMode;
import dev.composefs.format.tree.source.ScanOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Linux kernel as an independent reader: our images mounted with {@code mount -t erofs -o loop,ro}
 * and the kernel's tree (scanned from the mount point) compared with our raw view: names, types,
 * modes, owners, sizes, device numbers, mtimes, xattrs and symlink targets. Needs root and a loop
 * device; skipped with a message elsewhere.
 */
class ErofsKernelMountTest {
    @TempDir
    Path dir;

    private static int run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"special.dump", "cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz"})
    void kernelSeesWhatOurRawViewSees(String name) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        Path asset = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets", name);
        Path image = dir.resolve("image.erofs");
        new ErofsWriter().write(DumpReader.strict().read(asset), image);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Assumptions.assumeTrue(run(List.of("mount", "-t", "erofs", "-o", "loop,ro", image.toString(), mnt.toString())) == 0,
                "mount -t erofs -o loop,ro failed here (no loop device or no EROFS support): kernel comparison skipped");
        Tree kernel;
        try {
            kernel = new DirectoryScanner(ScanOptions.defaults().withPayloadMode(PayloadMode.NONE).withThreads(1)).scan(mnt);
        } finally {
            assertEquals(0, run(List.of("umount", mnt.toString())), "umount " + mnt);
        }
        Tree ours;
        try (Image raw = Image.open(image, ImageView.RAW)) {
            ours = ImageTree.read(raw);
        }
        Map<String, Inode> k = byPath(kernel);
        Map<String, Inode> o = byPath(ours);
        assertEquals(o.keySet(), k.keySet(), "the same names");
        for (Map.Entry<String, Inode> e : o.entrySet()) {
            String path = e.getKey();
            Inode a = e.getValue();
            Inode b = k.get(path);
            assertEquals(Integer.toOctalString(a.mode()), Integer.toOctalString(b.mode()), path + " mode");
            assertEquals(a.uid(), b.uid(), path + " uid");
            assertEquals(a.gid(), b.gid(), path + " gid");
            assertEquals(a.mtime(), b.mtime(), path + " mtime");
            if (a.type() != FileType.DIRECTORY) {
                assertEquals(a.size(), b.size(), path + " size");
            }
            if (a.type() == FileType.CHAR_DEVICE || a.type() == FileType.BLOCK_DEVICE) {
                assertEquals(a.rdev(), b.rdev(), path + " rdev");
            }
            if (a.type() == FileType.SYMLINK) {
                assertArrayEquals(a.payload(), b.payload(), path + " symlink target");
            }
            assertEquals(readable(a), sorted(b.xattrs()), path + " xattrs");
        }
    }

    private static Map<String, Inode> byPath(Tree tree) {
        Map<String, Inode> m = new LinkedHashMap<>();
        tree.walk((p, i) -> m.put(new String(p, StandardCharsets.ISO_8859_1), i));
        return m;
    }

    /**
     * The xattrs the kernel lets a process read: Linux refuses {@code user.*} xattrs on anything but
     * regular files and directories (ENODATA), whatever the filesystem stores.
     */
    private static List<Xattr> readable(Inode inode) {
        boolean userAllowed = inode.type() == FileType.REGULAR || inode.type() == FileType.DIRECTORY;
        List<Xattr> s = new ArrayList<>();
        for (Xattr x : inode.xattrs()) {
            if (userAllowed || !x.name().toString().startsWith("user.")) {
                s.add(x);
            }
        }
        return sorted(s);
    }

    private static List<Xattr> sorted(List<Xattr> xattrs) {
        List<Xattr> s = new ArrayList<>(xattrs);
        s.sort(null);
        return s;
    }
}
