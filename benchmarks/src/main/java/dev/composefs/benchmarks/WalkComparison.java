package dev.composefs.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The {@code cfs:} provider against its peers on the same tree, in one run: an {@code ls -lR} walk
 * (walk + POSIX attributes of every entry), open, the lookup of a deep path (parse + resolve +
 * attributes) and the listing of a large directory ({@code /usr/bin}), for the default provider on the tree materialized on disk, zipfs on a zip of it, and
 * both image formats.
 *
 * <p>Each contender runs in a JVM of its own ({@link ForkedWork}), rounds interleaved.
 *
 * <p>Usage: {@code WalkComparison --dump=FILE --work=DIR [--rounds=N] [--out=FILE] [--ratios=FILE]}.
 */
public final class WalkComparison {
    private WalkComparison() {
    }

    /** Runs the comparison and prints (and optionally writes) a Markdown report. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, java.util.Set.of("dump", "work", "rounds"));
        Path dump = a.requiredPath("dump");
        a.report(run(TreeFixtures.of(dump, a.requiredPath("work")), dump.getFileName().toString(), a.integer("rounds", 7),
                a.ratios()));
    }

    /** Walks {@code root}, reading the POSIX attributes of every entry without following links. */
    static long lsLR(Path root) throws IOException {
        long[] sum = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                sum[0] += Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS).permissions().size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                sum[0] += a.size() + a.permissions().size() + a.owner().hashCode();
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    /** The stores every measure compares, by contender name. */
    private static final Map<String, String> STORES = new java.util.LinkedHashMap<>();

    static {
        STORES.put("disk", "default provider, tree on disk");
        STORES.put("zip", "zipfs");
        STORES.put("descriptor", "cfs, descriptor image");
        STORES.put("erofs", "cfs, EROFS image");
    }

    /**
     * Builds one contender in its child JVM ({@link ForkedWork}): {@code args} are the measure, the
     * store, the tree, zip, descriptor and EROFS files, the deep path relative to the root, the large
     * directory and the repetition count.
     */
    static Medians.Work contender(String name, String[] args) throws IOException {
        String measure = args[0];
        String store = args[1];
        Path dir = Path.of(args[2]);
        Path image = Path.of(args[store.equals("zip") ? 3 : store.equals("descriptor") ? 4 : 5]);
        String deep = args[6];
        String large = args[7];
        int n = Integer.parseInt(args[8]);
        if (measure.equals("openwalk")) {
            // A new file system each run: open, the first walk (with every check the readers make
            // when a structure is first reached) and close; the tree on disk has nothing to open.
            if (store.equals("disk")) {
                return () -> lsLR(dir);
            }
            URI uri = URI.create((store.equals("zip") ? "jar:" : "cfs:") + image.toUri());
            Map<String, String> env = store.equals("zip") ? Map.of("enablePosixFileAttributes", "true") : Map.of();
            return () -> {
                try (FileSystem fs = FileSystems.newFileSystem(uri, env)) {
                    return lsLR(fs.getPath("/"));
                }
            };
        }
        if (measure.equals("open")) {
            // The provider's own entry point: FileSystems.newFileSystem(Path) would first let zipfs
            // look for a zip directory at the end of the image.
            URI uri = URI.create((store.equals("zip") ? "jar:" : "cfs:") + image.toUri());
            return () -> {
                try (FileSystem fs = FileSystems.newFileSystem(uri, Map.of())) {
                    return fs.getRootDirectories();
                }
            };
        }
        FileSystem fs = switch (store) {
            case "disk" -> dir.getFileSystem();
            case "zip" -> FileSystems.newFileSystem(URI.create("jar:" + image.toUri()), Map.of("enablePosixFileAttributes", "true"));
            default -> FileSystems.newFileSystem(image, Map.of());
        };
        Path root = store.equals("disk") ? dir : fs.getPath("/");
        String deepPath = store.equals("disk") ? dir.resolve(deep.substring(1)).toString() : deep;
        return switch (measure) {
            case "walk" -> () -> lsLR(root);
            case "lookup" -> () -> lookups(fs, deepPath, n);
            case "list" -> () -> listings(root.resolve(large.substring(1)), n);
            default -> throw new IllegalArgumentException("no measure " + measure);
        };
    }

    /** A comparison of {@code measure} over every store, each in its own JVM. */
    private static Medians forked(String measure, TreeFixtures f, String deepRel, String large, int n, boolean erofs,
                                  String names) throws IOException {
        Medians m = new Medians();
        for (Map.Entry<String, String> s : STORES.entrySet()) {
            if ((measure.equals("open") && s.getKey().equals("disk")) || (!erofs && s.getKey().equals("erofs"))) {
                continue;
            }
            m.addForked(names.formatted(s.getValue()), WalkComparison.class, measure, s.getKey(), f.dir.toString(),
                    f.zip.toString(), f.descriptor.toString(), f.erofs.toString(), deepRel, large, Integer.toString(n));
        }
        return m;
    }

    static String run(TreeFixtures f, String name, int rounds, RatioLog log) throws Exception {
        Path deep = deepest(f.dir);
        String deepRel = "/" + f.dir.relativize(deep).toString();
        String large = "/usr/bin";
        boolean e;
        try (FileSystem probe = FileSystems.newFileSystem(f.erofs, Map.of())) {
            e = probe != null;
        } catch (IOException | UnsupportedOperationException unreadable) {
            e = false;
        }
        Medians walk = forked("walk", f, deepRel, large, 1, e, "%s").run(2, rounds);
        String w = "ls -lR walk";
        walk.ratio(log, w, "cfs, descriptor image", "default provider, tree on disk")
                .ratio(log, w, "cfs, descriptor image", "zipfs");
        if (e) {
            walk.ratio(log, w, "cfs, EROFS image", "default provider, tree on disk").ratio(log, w, "cfs, EROFS image", "zipfs");
        }

        Medians openWalk = forked("openwalk", f, deepRel, large, 1, e, "%s").run(2, rounds);
        String ow = "open + first walk";
        openWalk.ratio(log, ow, "cfs, descriptor image", "zipfs");
        if (e) {
            openWalk.ratio(log, ow, "cfs, EROFS image", "zipfs");
        }

        Medians open = forked("open", f, deepRel, large, 1, e, "%s open + close").run(20, Math.max(rounds, 21));
        open.ratio(log, "open + close", "cfs, descriptor image open + close", "zipfs open + close");
        if (e) {
            open.ratio(log, "open + close", "cfs, EROFS image open + close", "zipfs open + close");
        }

        int n = 20_000;
        Medians lookup = forked("lookup", f, deepRel, large, n, e, "%s").run(3, rounds);
        String l = "deep-path lookup";
        lookup.ratio(log, l, "cfs, descriptor image", "default provider, tree on disk")
                .ratio(log, l, "cfs, descriptor image", "zipfs");
        if (e) {
            lookup.ratio(log, l, "cfs, EROFS image", "zipfs");
        }

        int listings = 200;
        Medians list = forked("list", f, deepRel, large, listings, e, "%s").run(3, rounds);
        String ld = "list a large directory";
        list.ratio(log, ld, "cfs, descriptor image", "default provider, tree on disk")
                .ratio(log, ld, "cfs, descriptor image", "zipfs");
        if (e) {
            list.ratio(log, ld, "cfs, EROFS image", "zipfs");
        }

        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "java.nio on `%s` (%d entries), %d cores, %s%n%n", name, f.entries,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        sb.append("`ls -lR` walk (Files.walkFileTree + PosixFileAttributes of every entry):\n\n");
        sb.append(walk.table("cfs, descriptor image"));
        sb.append(String.format(Locale.ROOT, "%ncfs walk speed-up: %.1fx the default provider, %.1fx zipfs%n",
                walk.median("default provider, tree on disk") / walk.median("cfs, descriptor image"),
                walk.median("zipfs") / walk.median("cfs, descriptor image")));
        sb.append("\nOpen (and close) of the file system, through the `cfs:` / `jar:` URI:\n\n").append(open.table("cfs, descriptor image open + close"));
        // Issue 5 compares zipfs "open + walk": a zip's central directory is read at open, an image's
        // structures during the walk.
        double zipOpenWalk = open.median("zipfs open + close") + walk.median("zipfs");
        sb.append(String.format(Locale.ROOT, "%nopen + walk, medians added (each walk on a file system that was walked before): zipfs %s, cfs descriptor %s (%.1fx faster)",
                Medians.human(zipOpenWalk), Medians.human(open.median("cfs, descriptor image open + close")
                        + walk.median("cfs, descriptor image")),
                zipOpenWalk / (open.median("cfs, descriptor image open + close") + walk.median("cfs, descriptor image"))));
        if (e) {
            double erofsOpenWalk = open.median("cfs, EROFS image open + close") + walk.median("cfs, EROFS image");
            sb.append(String.format(Locale.ROOT, ", cfs EROFS %s (%.1fx faster)", Medians.human(erofsOpenWalk),
                    zipOpenWalk / erofsOpenWalk));
        }
        sb.append('\n');
        sb.append("\nOpen + first walk + close, a new file system every round (a program that opens an image and walks it "
                + "once; the first walk of an image also makes the checks each structure gets when first reached):\n\n")
                .append(openWalk.table("cfs, descriptor image"));
        sb.append(String.format(Locale.ROOT, "%ncfs open + first walk speed-up against zipfs: %.1fx (descriptor)",
                openWalk.median("zipfs") / openWalk.median("cfs, descriptor image")));
        if (e) {
            sb.append(String.format(Locale.ROOT, ", %.1fx (EROFS)", openWalk.median("zipfs") / openWalk.median("cfs, EROFS image")));
        }
        sb.append('\n');
        sb.append("\nLookup of a deep path (`").append(deepRel).append("`, ").append(n)
                .append("x getPath + readAttributes):\n\n").append(lookup.table("cfs, descriptor image"));
        sb.append(String.format(Locale.ROOT, "%nper lookup: cfs %s, zipfs %s, default %s%n",
                Medians.human(lookup.median("cfs, descriptor image") / n), Medians.human(lookup.median("zipfs") / n),
                Medians.human(lookup.median("default provider, tree on disk") / n)));
        sb.append("\nListing a large directory (`").append(large).append("`, ").append(entries(f.dir.resolve(large.substring(1))))
                .append(" entries, ").append(listings).append("x a DirectoryStream read to its end):\n\n")
                .append(list.table("cfs, descriptor image"));
        return sb.toString();
    }

    private static long lookups(FileSystem fs, String path, int n) throws IOException {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Files.readAttributes(fs.getPath(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        }
        return sum;
    }

    private static long listings(Path dir, int n) throws IOException {
        long sum = 0;
        for (int i = 0; i < n; i++) {
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
                for (Path p : s) {
                    sum += p.getNameCount();
                }
            }
        }
        return sum;
    }

    private static long entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    /** The regular file with the most names in its path (ties: the first in walk order). */
    private static Path deepest(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = new ArrayList<>();
            s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(files::add);
            return files.stream().max((a, b) -> Integer.compare(a.getNameCount(), b.getNameCount())).orElseThrow();
        }
    }
}
