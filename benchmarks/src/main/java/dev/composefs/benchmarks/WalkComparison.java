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

    static String run(TreeFixtures f, String name, int rounds, RatioLog log) throws Exception {
        Path deep = deepest(f.dir);
        String deepRel = "/" + f.dir.relativize(deep).toString();
        FileSystem desc = FileSystems.newFileSystem(f.descriptor, Map.of());
        FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + f.zip.toUri()), Map.of("enablePosixFileAttributes", "true"));
        FileSystem erofs = null;
        try {
            erofs = FileSystems.newFileSystem(f.erofs, Map.of());
        } catch (IOException | UnsupportedOperationException e) {
            erofs = null;
        }
        try {
            Medians walk = new Medians()
                    .add("default provider, tree on disk", () -> lsLR(f.dir))
                    .add("zipfs", () -> lsLR(zip.getPath("/")))
                    .add("cfs, descriptor image", () -> lsLR(desc.getPath("/")));
            FileSystem e = erofs;
            if (e != null) {
                walk.add("cfs, EROFS image", () -> lsLR(e.getPath("/")));
            }
            walk.run(2, rounds);
            String w = "ls -lR walk";
            walk.ratio(log, w, "cfs, descriptor image", "default provider, tree on disk")
                    .ratio(log, w, "cfs, descriptor image", "zipfs");
            if (e != null) {
                walk.ratio(log, w, "cfs, EROFS image", "default provider, tree on disk").ratio(log, w, "cfs, EROFS image", "zipfs");
            }

            Medians open = new Medians()
                    .add("zipfs open + close", () -> {
                        try (FileSystem z = FileSystems.newFileSystem(f.zip, Map.of())) {
                            return z.getRootDirectories();
                        }
                    })
                    .add("cfs open + close, descriptor", () -> {
                        try (FileSystem c = FileSystems.newFileSystem(f.descriptor, Map.of())) {
                            return c.getRootDirectories();
                        }
                    });
            if (e != null) {
                open.add("cfs open + close, EROFS", () -> {
                    try (FileSystem c = FileSystems.newFileSystem(f.erofs, Map.of())) {
                        return c.getRootDirectories();
                    }
                });
            }
            open.run(20, Math.max(rounds, 21));
            open.ratio(log, "open + close", "cfs open + close, descriptor", "zipfs open + close");
            if (e != null) {
                open.ratio(log, "open + close", "cfs open + close, EROFS", "zipfs open + close");
            }

            int n = 20_000;
            Medians lookup = new Medians()
                    .add("default provider", () -> lookups(f.dir.getFileSystem(), deep.toString(), n))
                    .add("zipfs", () -> lookups(zip, deepRel, n))
                    .add("cfs, descriptor", () -> lookups(desc, deepRel, n));
            if (e != null) {
                lookup.add("cfs, EROFS", () -> lookups(e, deepRel, n));
            }
            lookup.run(3, rounds);
            String l = "deep-path lookup";
            lookup.ratio(log, l, "cfs, descriptor", "default provider").ratio(log, l, "cfs, descriptor", "zipfs");
            if (e != null) {
                lookup.ratio(log, l, "cfs, EROFS", "zipfs");
            }

            String large = "/usr/bin";
            int listings = 200;
            Medians list = new Medians()
                    .add("default provider", () -> listings(f.dir.resolve(large.substring(1)), listings))
                    .add("zipfs", () -> listings(zip.getPath(large), listings))
                    .add("cfs, descriptor", () -> listings(desc.getPath(large), listings));
            if (e != null) {
                list.add("cfs, EROFS", () -> listings(e.getPath(large), listings));
            }
            list.run(3, rounds);
            String ld = "list a large directory";
            list.ratio(log, ld, "cfs, descriptor", "default provider").ratio(log, ld, "cfs, descriptor", "zipfs");
            if (e != null) {
                list.ratio(log, ld, "cfs, EROFS", "zipfs");
            }

            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "java.nio on `%s` (%d entries), %d cores, %s%n%n", name, f.entries,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
            sb.append("`ls -lR` walk (Files.walkFileTree + PosixFileAttributes of every entry):\n\n");
            sb.append(walk.table("cfs, descriptor image"));
            sb.append(String.format(Locale.ROOT, "%ncfs walk speed-up: %.1fx the default provider, %.1fx zipfs%n",
                    walk.median("default provider, tree on disk") / walk.median("cfs, descriptor image"),
                    walk.median("zipfs") / walk.median("cfs, descriptor image")));
            sb.append("\nOpen (and close) of the file system:\n\n").append(open.table("cfs open + close, descriptor"));
            sb.append("\nLookup of a deep path (`").append(deepRel).append("`, ").append(n)
                    .append("x getPath + readAttributes):\n\n").append(lookup.table("cfs, descriptor"));
            sb.append(String.format(Locale.ROOT, "%nper lookup: cfs %s, zipfs %s, default %s%n",
                    Medians.human(lookup.median("cfs, descriptor") / n), Medians.human(lookup.median("zipfs") / n),
                    Medians.human(lookup.median("default provider") / n)));
            sb.append("\nListing a large directory (`").append(large).append("`, ").append(entries(f.dir.resolve(large.substring(1))))
                    .append(" entries, ").append(listings).append("x a DirectoryStream read to its end):\n\n")
                    .append(list.table("cfs, descriptor"));
            return sb.toString();
        } finally {
            desc.close();
            zip.close();
            if (erofs != null) {
                erofs.close();
            }
        }
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
