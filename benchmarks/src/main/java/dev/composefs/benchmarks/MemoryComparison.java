package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@code cfs:} file system keeps in the heap: retained heap after opening an image and after
 * a full {@code ls -lR} walk of it (the promise: nothing per inode is kept), and the open time, for
 * real trees and a generated tree of a million entries that shows how cost grows with size.
 *
 * <p>Usage: {@code MemoryComparison --work=DIR [--dump=FILE] [--entries=N] [--out=FILE]}.
 */
public final class MemoryComparison {
    private MemoryComparison() {
    }

    /** Runs the comparison and prints (and optionally writes) a Markdown report. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, java.util.Set.of("work", "dump", "entries"));
        Path work = a.requiredPath("work");
        Files.createDirectories(work);
        List<String[]> images = new ArrayList<>();
        if (a.path("dump") != null) {
            TreeFixtures f = TreeFixtures.of(a.path("dump"), work.resolve(a.path("dump").getFileName().toString()));
            images.add(new String[] {a.path("dump").getFileName() + ", descriptor", f.descriptor.toString(), "" + f.entries});
            images.add(new String[] {a.path("dump").getFileName() + ", EROFS", f.erofs.toString(), "" + f.entries});
        }
        int entries = a.integer("entries", 0);
        if (entries > 0) {
            Path desc = work.resolve("generated-" + entries + ".desc");
            Path erofs = work.resolve("generated-" + entries + ".erofs");
            if (!Files.exists(desc) || !Files.exists(erofs)) {
                Tree t = generated(entries);
                DescriptorWriter.write(t, desc);
                new ErofsWriter().write(t, erofs);
            }
            images.add(new String[] {"generated, " + entries + " entries, descriptor", desc.toString(), "" + entries});
            images.add(new String[] {"generated, " + entries + " entries, EROFS", erofs.toString(), "" + entries});
        }
        StringBuilder sb = new StringBuilder("Heap retained by an open `cfs:` file system (after GC), and open time\n\n"
                + "| image | entries | image size | open | retained after open | retained after a full walk |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (String[] img : images) {
            sb.append(measure(img[0], Path.of(img[1]), Integer.parseInt(img[2])));
        }
        a.report(sb.toString());
    }

    /**
     * A tree of {@code entries} names: directories of 99 empty files, each directory holding up to 30
     * subdirectories, filled breadth first (so the depth grows with the logarithm of the size).
     */
    static Tree generated(int entries) {
        Inode root = new Inode(0040755);
        List<Inode> dirs = new ArrayList<>(List.of(root));
        int made = 1;
        while (made < entries) {
            Inode parent = dirs.get((dirs.size() - 1) / 30);
            Inode dir = new Inode(0040755).mtime(new Timespec(1_700_000_000L, 0));
            parent.addChild(Name.of("d" + made), dir);
            dirs.add(dir);
            made++;
            for (int i = 0; i < 99 && made < entries; i++, made++) {
                dir.addChild(Name.of("file-" + i + ".txt"), new Inode(0100644).uid(1000).gid(1000));
            }
        }
        return new Tree(root);
    }

    private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, mem.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    private static String measure(String name, Path image, int entries) throws Exception {
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 5; i++) {
            try (FileSystem warm = FileSystems.newFileSystem(java.net.URI.create("cfs:" + image.toUri()), Map.of())) {
                WalkComparison.lsLR(warm.getPath("/"));
            }
        }
        long base = usedAfterGc(mem);
        long t0 = System.nanoTime();
        FileSystem fs = FileSystems.newFileSystem(java.net.URI.create("cfs:" + image.toUri()), Map.of());
        double open = (System.nanoTime() - t0) / 1e9;
        try {
            long afterOpen = usedAfterGc(mem) - base;
            WalkComparison.lsLR(fs.getPath("/"));
            long afterWalk = usedAfterGc(mem) - base;
            return String.format(Locale.ROOT, "| %s | %d | %d KiB | %s | %d KiB | %d KiB |%n", name, entries,
                    Files.size(image) >> 10, Medians.human(open), Math.max(0, afterOpen) >> 10, Math.max(0, afterWalk) >> 10);
        } finally {
            fs.close();
        }
    }
}
