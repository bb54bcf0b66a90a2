package dev.composefs.benchmarks;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Reading file content, {@code cfs:} against its peers in one run: every small file of a real tree
 * (default provider on the tree on disk, zipfs on a zip with stored entries, {@code cfs:} over both
 * image formats with a basedir object store, digests checked: {@code verity=if-present}), and one
 * large verified file (a plain {@code FileChannel} read of the object, a stored zipfs entry,
 * {@code cfs:} on a newly opened file system, which builds the Merkle tree, and on one kept open,
 * whose tree is cached). The zipfs and {@code cfs:} rounds of the small-file read open and close their
 * file system, so every file is verified every round.
 *
 * <p>Usage: {@code ReadComparison --dump=FILE --work=DIR [--size=256m] [--warmup=N] [--rounds=N]
 * [--out=FILE] [--ratios=FILE]}.
 */
public final class ReadComparison {
    private static final String DISK = "default provider, tree on disk";
    private static final String ZIP = "zipfs, stored entries";
    private static final String DESC = "cfs, descriptor image";
    private static final String EROFS = "cfs, EROFS image";
    private static final String PLAIN = "plain FileChannel read of the object";
    private static final String ZIP_ENTRY = "zipfs, stored entry";
    private static final String FIRST = "cfs, first open (Merkle tree built)";
    private static final String CACHED = "cfs, tree cached (file system kept open)";
    private static final String CACHED_EROFS = "cfs, EROFS image, tree cached";
    private static final String UNVERIFIED = "cfs, verity=none";

    private ReadComparison() {
    }

    /** Runs the comparison and prints (and optionally writes) a Markdown report. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, Set.of("dump", "work", "size", "warmup", "rounds"));
        Path dump = a.requiredPath("dump");
        Path work = a.requiredPath("work");
        int warmup = a.integer("warmup", 2);
        int rounds = a.integer("rounds", 5);
        ContentFixtures small = ContentFixtures.of(dump, work.resolve(dump.getFileName() + "-content"));
        long size = VerityComparison.parseSize(a.string("size", "256m"));
        LargeFileFixture large = LargeFileFixture.of(work.resolve("large-" + (size >> 20) + "m"), size);
        RatioLog log = a.ratios();
        a.report(smallFiles(small, dump.getFileName().toString(), warmup, rounds, log) + "\n"
                + largeFile(large, warmup, rounds, log));
    }

    static String smallFiles(ContentFixtures f, String name, int warmup, int rounds, RatioLog log) throws Exception {
        long onDisk = ReadWorkloads.readEveryFile(f.dir);
        long[] inZip = {0};
        Medians m = new Medians()
                .add(DISK, () -> ReadWorkloads.readEveryFile(f.dir))
                .add(ZIP, () -> {
                    try (FileSystem z = ReadWorkloads.openZip(f.zip)) {
                        inZip[0] = ReadWorkloads.readEveryFile(z.getPath("/"));
                        return inZip[0];
                    }
                })
                .add(DESC, () -> checked(f.descriptor, f.objects, onDisk))
                .add(EROFS, () -> checked(f.erofs, f.objects, onDisk))
                .run(warmup, rounds);
        String item = "read every small file";
        m.ratio(log, item, DESC, DISK).ratio(log, item, DESC, ZIP).ratio(log, item, EROFS, DISK).ratio(log, item, EROFS, ZIP);
        return String.format(Locale.ROOT, "Reading every regular file of `%s` (%d entries, %d MiB of synthetic content, files"
                        + " cut to %d KiB; %d MiB in the zip, which lacks the names zipfs cannot store), each file system opened for the"
                        + " round, fs-verity digests checked (verity=if-present):%n%n",
                name, f.entries, onDisk >> 20, ContentFixtures.MAX_FILE_BYTES >> 10, inZip[0] >> 20)
                + m.table(DESC)
                + String.format(Locale.ROOT, "%ncfs (descriptor) reads every file in %.2fx the time of the default provider,"
                        + " %.2fx that of zipfs%n", m.median(DESC) / m.median(DISK), m.median(DESC) / m.median(ZIP));
    }

    /** Reads every file of {@code image} on a file system opened for the call; fails unless it reads {@code expected} bytes. */
    private static long checked(Path image, Path objects, long expected) throws IOException {
        try (FileSystem c = ReadWorkloads.openCfs(image, objects, "if-present")) {
            long n = ReadWorkloads.readEveryFile(c.getPath("/"));
            if (n != expected) {
                throw new IllegalStateException(image + ": read " + n + " bytes, the tree on disk has " + expected);
            }
            return n;
        }
    }

    static String largeFile(LargeFileFixture f, int warmup, int rounds, RatioLog log) throws Exception {
        String path = "/" + LargeFileFixture.NAME;
        FileSystem kept = ReadWorkloads.openCfs(f.descriptor, f.objects, "if-present");
        FileSystem keptErofs = ReadWorkloads.openCfs(f.erofs, f.objects, "if-present");
        FileSystem zip = ReadWorkloads.openZip(f.zip);
        FileSystem unverified = ReadWorkloads.openCfs(f.descriptor, f.objects, "none");
        try {
            Medians m = new Medians()
                    .add(PLAIN, () -> ReadWorkloads.readFile(f.object))
                    .add(ZIP_ENTRY, () -> ReadWorkloads.readFile(zip.getPath(path)))
                    .add(FIRST, () -> {
                        try (FileSystem c = ReadWorkloads.openCfs(f.descriptor, f.objects, "if-present")) {
                            return ReadWorkloads.readFile(c.getPath(path));
                        }
                    })
                    .add(CACHED, () -> ReadWorkloads.readFile(kept.getPath(path)))
                    .add(CACHED_EROFS, () -> ReadWorkloads.readFile(keptErofs.getPath(path)))
                    .add(UNVERIFIED, () -> ReadWorkloads.readFile(unverified.getPath(path)))
                    .run(warmup, rounds);
            String item = "read one large verified file";
            m.ratio(log, item, FIRST, PLAIN).ratio(log, item, CACHED, PLAIN).ratio(log, item, CACHED, ZIP_ENTRY)
                    .ratio(log, item, CACHED_EROFS, PLAIN).ratio(log, item, UNVERIFIED, PLAIN);
            return String.format(Locale.ROOT, "Reading one %d MiB file (page cache; cfs over the descriptor image unless"
                    + " named, verity=if-present):%n%n", f.size >> 20)
                    + m.table(PLAIN)
                    + String.format(Locale.ROOT, "%nthroughput: plain %.0f MiB/s, cfs first open %.0f MiB/s, cfs tree cached"
                            + " %.0f MiB/s%n", mibs(f.size, m.median(PLAIN)), mibs(f.size, m.median(FIRST)),
                            mibs(f.size, m.median(CACHED)));
        } finally {
            for (FileSystem fs : new FileSystem[] {kept, keptErofs, zip, unverified}) {
                fs.close();
            }
        }
    }

    private static double mibs(long bytes, double seconds) {
        return bytes / seconds / (1 << 20);
    }
}
