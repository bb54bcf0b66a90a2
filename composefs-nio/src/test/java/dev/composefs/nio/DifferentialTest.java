package dev.composefs.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential test: a real OS tree (a cs9 dump) materialized on disk and built into an image, then
 * asked the same questions through the JDK's default provider and through {@code cfs:}. The default
 * provider is the oracle: walks, attributes, symlink resolution ({@code toRealPath}, {@code ..} after
 * a link, loops, dangling links), glob listings and contents must agree entry by entry.
 *
 * <p>The minimal tree (22k entries) and the config tree with a hard link and user xattrs (8.7k) run
 * here: the developer tree (64k entries) takes over a minute to materialize and delete on a shared
 * machine, and adds no kind of entry these lack.
 */
class DifferentialTest {
    static final Path ASSETS = Path.of(System.getProperty("composefs.shared"), "testdata", "upstream-assets");
    static final int CONTENT_CAP = 64;
    static final int MAX_REPORTED = 25;

    @TempDir
    static Path dir;
    static final Map<String, Fixture> FIXTURES = new HashMap<>();

    /** One dump: its mirror on disk, its image opened, and the relative paths of all its entries. */
    record Fixture(DiskMirror mirror, Path diskRoot, FileSystem fs, Path cfsRoot, List<String> entries) {
        Path disk(String rel) {
            return rel.isEmpty() ? diskRoot : diskRoot.resolve(rel);
        }

        Path cfs(String rel) {
            return cfsRoot.resolve(rel);
        }
    }

    /** The fixture of {@code spec}: a dump file name, and " erofs" to read its EROFS image rather than its descriptor. */
    static synchronized Fixture fixture(String spec) throws IOException {
        Fixture f = FIXTURES.get(spec);
        if (f == null) {
            String dump = spec.split(" ")[0];
            DiskMirror mirror = mirror(dump);
            Path image = spec.endsWith(" erofs") ? mirror.erofsImage : mirror.image;
            FileSystem fs = FileSystems.newFileSystem(image, Map.of("basedir", mirror.objects, "verity", "require"));
            Path diskRoot = mirror.root.toRealPath();
            List<String> entries;
            try (Stream<Path> s = Files.walk(diskRoot)) {
                entries = s.map(p -> diskRoot.relativize(p).toString()).sorted().toList();
            }
            f = new Fixture(mirror, diskRoot, fs, fs.getPath("/"), entries);
            FIXTURES.put(spec, f);
        }
        return f;
    }

    static final Map<String, DiskMirror> MIRRORS = new HashMap<>();
    static final Map<String, List<String>> DISK_ANSWERS = new java.util.concurrent.ConcurrentHashMap<>();

    static synchronized DiskMirror mirror(String dump) throws IOException {
        DiskMirror m = MIRRORS.get(dump);
        if (m == null) {
            Tree tree = DumpReader.strict().read(ASSETS.resolve(dump));
            m = DiskMirror.of(tree, Files.createDirectory(dir.resolve(dump)), CONTENT_CAP);
            MIRRORS.put(dump, m);
        }
        return m;
    }

    @AfterAll
    static void close() throws IOException {
        for (Fixture f : FIXTURES.values()) {
            f.fs().close();
        }
        FIXTURES.clear();
        MIRRORS.clear();
        DISK_ANSWERS.clear();
    }

    private interface Question {
        Object ask(Path p) throws IOException;
    }

    /** What a question gives: its answer, or the class of what it threw. */
    private static String answer(Question q, Path p) {
        try {
            Object a = q.ask(p);
            if (a instanceof byte[] b) {
                return "bytes " + Arrays.hashCode(b) + "/" + b.length;
            }
            if (a instanceof Map<?, ?> m) {
                Map<String, String> sorted = new java.util.TreeMap<>();
                m.forEach((k, v) -> sorted.put(k.toString(), v instanceof Set<?> set ? sortedString(set) : String.valueOf(v)));
                return sorted.toString();
            }
            if (a instanceof Set<?> set) {
                return sortedString(set);
            }
            return String.valueOf(a);
        } catch (IOException | RuntimeException e) {
            return "throws " + e.getClass().getSimpleName();
        }
    }

    private static String sortedString(Set<?> set) {
        Set<String> sorted = new TreeSet<>();
        set.forEach(e -> sorted.add(String.valueOf(e)));
        return sorted.toString();
    }

    /** Asks {@code q} of every path in {@code rels} on both sides; returns the disagreements. */
    private static List<String> compare(Fixture f, List<String> rels, String what, Question disk, Question cfs) {
        // The disk's answers do not depend on the image format: asked once per tree.
        List<String> expectedAnswers = DISK_ANSWERS.computeIfAbsent(f.diskRoot() + "|" + what + "|" + rels.hashCode(),
                k -> rels.stream().map(rel -> answer(disk, f.disk(rel))).toList());
        List<String> wrong = new ArrayList<>();
        int count = 0;
        for (int i = 0; i < rels.size(); i++) {
            String rel = rels.get(i);
            String expected = expectedAnswers.get(i);
            String actual = answer(cfs, f.cfs(rel));
            if (!expected.equals(actual)) {
                count++;
                if (wrong.size() < MAX_REPORTED) {
                    wrong.add(what + " '" + rel + "': disk " + expected + ", cfs " + actual);
                }
            }
        }
        if (count > wrong.size()) {
            wrong.add("... " + (count - wrong.size()) + " more");
        }
        return wrong;
    }

    /** A real path on disk as a root-relative string; a path outside the tree is marked. */
    private static Question realPathOnDisk(Fixture f, LinkOption... options) {
        return p -> {
            Path real = p.toRealPath(options);
            if (!real.startsWith(f.diskRoot())) {
                return "outside the tree: " + real;
            }
            int n = f.diskRoot().getNameCount();
            // Not relativize(): it would normalize away the '..' that NOFOLLOW_LINKS keeps after a link.
            return real.getNameCount() == n ? "/" : "/" + real.subpath(n, real.getNameCount());
        };
    }

    private static Question realPathInImage(LinkOption... options) {
        return p -> p.toRealPath(options).toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void walksAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        Set<String> inImage = new TreeSet<>();
        try (Stream<Path> s = Files.walk(f.cfsRoot())) {
            s.forEach(p -> inImage.add(f.cfsRoot().relativize(p).toString()));
        }
        assertTrue(f.entries().size() > 8_000, "entries: " + f.entries().size());
        assertEquals(new TreeSet<>(f.entries()), inImage);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void walksFollowingLinksAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        // Cycle detection rests on fileKey(): loops must be found at the same places.
        assertEquals(followingWalk(f.diskRoot(), f.diskRoot()), followingWalk(f.cfsRoot(), f.cfsRoot()));
    }

    /** Every path a walk following links reaches (depth-limited), with how it was visited. */
    private static Set<String> followingWalk(Path root, Path start) throws IOException {
        Set<String> seen = new TreeSet<>();
        Files.walkFileTree(start, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), 7,
                new java.nio.file.SimpleFileVisitor<Path>() {
                    @Override
                    public java.nio.file.FileVisitResult preVisitDirectory(Path d, java.nio.file.attribute.BasicFileAttributes a) {
                        seen.add("dir " + root.relativize(d));
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path p, java.nio.file.attribute.BasicFileAttributes a) {
                        seen.add((a.isSymbolicLink() ? "link " : a.isDirectory() ? "dir(depth) " : "file ") + root.relativize(p));
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path p, IOException e) {
                        seen.add(e.getClass().getSimpleName() + " " + root.relativize(p));
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }
                });
        return seen;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void hardLinksAndXattrsAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        List<String> files = f.entries().stream().filter(r -> Files.isRegularFile(f.disk(r), LinkOption.NOFOLLOW_LINKS)).toList();
        // The partition of the files by fileKey: which names are the same inode.
        assertEquals(sameInodes(files, f::disk), sameInodes(files, f::cfs));
        // On a symlink itself the JDK's user view fails (it opens the file with O_NOFOLLOW: ELOOP) where
        // cfs gives the link's xattrs (never user.*, which Linux refuses on symlinks): only followed there.
        List<String> notLinks = f.entries().stream().filter(r -> !Files.isSymbolicLink(f.disk(r))).toList();
        List<String> wrong = compare(f, notLinks, "user:* (nofollow)", p -> userXattrs(p, LinkOption.NOFOLLOW_LINKS),
                p -> userXattrs(p, LinkOption.NOFOLLOW_LINKS));
        wrong.addAll(compare(f, f.entries(), "user:*", p -> userXattrs(p), p -> userXattrs(p)));
        if (dump.startsWith("config-with-hard-link")) {
            // The tree's one hard link carries user xattrs: both names show them.
            assertEquals(Map.of("foo1", Arrays.toString("bar-1".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "foo2", Arrays.toString("bar-2".getBytes(java.nio.charset.StandardCharsets.UTF_8))), userXattrs(f.cfs("usr/bin/ls")));
            assertTrue(Files.isSameFile(f.cfs("usr/bin/ls"), f.cfs("usr/bin/ls-hardlink")));
        }
        assertEquals(List.of(), wrong);
    }

    private static Map<String, String> sameInodes(List<String> rels, java.util.function.Function<String, Path> side) throws IOException {
        Map<Object, String> first = new HashMap<>();
        Map<String, String> partition = new java.util.TreeMap<>();
        for (String rel : rels) {
            Path p = side.apply(rel);
            Object key = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            String representative = first.putIfAbsent(key, rel);
            partition.put(rel, representative == null ? rel : representative);
        }
        return partition;
    }

    private static Map<String, String> userXattrs(Path p, LinkOption... options) throws IOException {
        Map<String, String> values = new java.util.TreeMap<>();
        Files.readAttributes(p, "user:*", options)
                .forEach((k, v) -> values.put(k, Arrays.toString((byte[]) v)));
        return values;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void attributesAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        List<String> wrong = new ArrayList<>();
        String common = "unix:mode,uid,gid,nlink,isDirectory,isRegularFile,isSymbolicLink,isOther";
        wrong.addAll(compare(f, f.entries(), "lstat", p -> Files.readAttributes(p, common, LinkOption.NOFOLLOW_LINKS),
                p -> Files.readAttributes(p, common, LinkOption.NOFOLLOW_LINKS)));
        wrong.addAll(compare(f, f.entries(), "stat", p -> Files.readAttributes(p, common), p -> Files.readAttributes(p, common)));
        List<String> filesAndLinks = f.entries().stream()
                .filter(r -> !Files.isDirectory(f.disk(r), LinkOption.NOFOLLOW_LINKS))
                .filter(r -> !f.mirror().imageTargets.containsKey(r)).toList();
        wrong.addAll(compare(f, filesAndLinks, "size", DifferentialTest::lsize, DifferentialTest::lsize));
        List<String> timed = f.entries().stream()
                .filter(r -> f.mirror().symlinkTimes || !Files.isSymbolicLink(f.disk(r))).toList();
        wrong.addAll(compare(f, timed, "mtime", p -> Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS),
                p -> Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS)));
        wrong.addAll(compare(f, f.entries(), "posix", p -> Files.readAttributes(p, "posix:permissions,owner,group").get("permissions"),
                p -> Files.readAttributes(p, "posix:permissions,owner,group").get("permissions")));
        List<String> regular = f.entries().stream().filter(r -> Files.isRegularFile(f.disk(r), LinkOption.NOFOLLOW_LINKS)).toList();
        wrong.addAll(compare(f, regular, "isExecutable", Files::isExecutable, Files::isExecutable));
        wrong.addAll(compare(f, f.entries(), "isHidden", Files::isHidden, Files::isHidden));
        assertEquals(List.of(), wrong);
    }

    private static long lsize(Path p) throws IOException {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void symlinksResolveAlike(String dump) throws IOException {
        Fixture f = fixture(dump);
        List<String> links = f.entries().stream().filter(r -> Files.isSymbolicLink(f.disk(r))).toList();
        assertTrue(links.size() > 1000, "links: " + links.size());
        List<String> wrong = new ArrayList<>();
        wrong.addAll(compare(f, links, "readSymbolicLink",
                p -> f.mirror().imageTargets.getOrDefault(f.diskRoot().relativize(p).toString(), Files.readSymbolicLink(p).toString()),
                p -> Files.readSymbolicLink(p).toString()));
        wrong.addAll(compare(f, f.entries(), "toRealPath", realPathOnDisk(f), realPathInImage()));
        wrong.addAll(compare(f, f.entries(), "toRealPath(NOFOLLOW_LINKS)", realPathOnDisk(f, LinkOption.NOFOLLOW_LINKS),
                realPathInImage(LinkOption.NOFOLLOW_LINKS)));
        // '..' and '.' after links, and names below links: physical resolution, as the kernel does it.
        List<String> tricky = new ArrayList<>();
        for (String l : links.stream().filter(r -> r.hashCode() % 3 == 0).toList()) {
            tricky.addAll(List.of(l + "/..", l + "/.", l + "/../..", l + "/x", l + "/../" + f.disk(l).getFileName()));
        }
        tricky.addAll(List.of("usr/..", "bin/../lib", "usr/bin/..", "usr/bin/../../etc",
                "lib64/../bin/", "./usr/./lib/", "usr//lib"));
        wrong.addAll(compare(f, tricky, "exists", Files::exists, Files::exists));
        wrong.addAll(compare(f, tricky, "isDirectory", Files::isDirectory, Files::isDirectory));
        wrong.addAll(compare(f, tricky, "toRealPath", realPathOnDisk(f), realPathInImage()));
        wrong.addAll(compare(f, tricky, "toRealPath(NOFOLLOW_LINKS)", realPathOnDisk(f, LinkOption.NOFOLLOW_LINKS),
                realPathInImage(LinkOption.NOFOLLOW_LINKS)));
        wrong.addAll(compare(f, tricky, "lstat", p -> Files.readAttributes(p, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS),
                p -> Files.readAttributes(p, "unix:mode,nlink", LinkOption.NOFOLLOW_LINKS)));
        assertEquals(List.of(), wrong);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void contentsAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        // Every regular file, and every path that reaches one through a symlink.
        List<String> readable = f.entries().stream().filter(r -> Files.isRegularFile(f.disk(r))).toList();
        assertTrue(readable.size() > 5_000, "files: " + readable.size());
        List<String> wrong = compare(f, readable, "readAllBytes", Files::readAllBytes, Files::readAllBytes);
        List<String> sample = readable.stream().filter(r -> r.hashCode() % 16 == 0).toList();
        wrong.addAll(compare(f, sample, "isSameFile(real)", p -> Files.isSameFile(p, p.toRealPath()), p -> Files.isSameFile(p, p.toRealPath())));
        wrong.addAll(compare(f, sample, "channel tail", p -> {
            try (var ch = Files.newByteChannel(p)) {
                ch.position(Math.max(0, ch.size() - 5));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10);
                return ch.read(b) + ":" + Arrays.toString(Arrays.copyOf(b.array(), b.position())) + ":" + ch.read(b.clear());
            }
        }, p -> {
            try (var ch = Files.newByteChannel(p)) {
                ch.position(Math.max(0, ch.size() - 5));
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10);
                return ch.read(b) + ":" + Arrays.toString(Arrays.copyOf(b.array(), b.position())) + ":" + ch.read(b.clear());
            }
        }));
        assertEquals(List.of(), wrong);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cs9-x86_64-minimal.dump.gz", "config-with-hard-link.dump.gz", "cs9-x86_64-minimal.dump.gz erofs",
            "config-with-hard-link.dump.gz erofs"})
    void globListingsAgree(String dump) throws IOException {
        Fixture f = fixture(dump);
        List<String> dirs = f.entries().stream().filter(r -> Files.isDirectory(f.disk(r))).filter(r -> r.hashCode() % 8 == 0).toList();
        List<String> globs = List.of("*", "*.conf", "lib*.so.*", "[a-c]*", "[!a-z]*", "{bin,sbin,lib*}", "?", "??*.?", ".*",
                "*[0-9]", "*.{py,pyc}", "\\[", "*-*-*", "[a-]*");
        List<String> wrong = new ArrayList<>();
        for (String glob : globs) {
            wrong.addAll(compare(f, dirs, "glob " + glob, p -> listing(p, glob), p -> listing(p, glob)));
        }
        for (String glob : List.of("**/*.so*", "usr/lib*/**", "**/bin/?*", "etc/**.d/*", "**")) {
            PathMatcher onDisk = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            PathMatcher inImage = f.fs().getPathMatcher("glob:" + glob);
            Set<String> expected = new TreeSet<>();
            Set<String> actual = new TreeSet<>();
            for (String rel : f.entries()) {
                if (onDisk.matches(Path.of(rel))) {
                    expected.add(rel);
                }
                if (inImage.matches(f.fs().getPath(rel))) {
                    actual.add(rel);
                }
            }
            assertEquals(expected, actual, glob);
        }
        assertEquals(List.of(), wrong);
    }

    private static Set<String> listing(Path dir, String glob) throws IOException {
        Set<String> names = new TreeSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }
}
