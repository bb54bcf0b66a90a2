package dev.composefs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.verity.FsVerityHasher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mkcomposefs, composefs-info, composefs-dump and composefs-ls, run in-process. */
class ImageToolsTest {
    static final Path ASSETS = Path.of(System.getProperty("composefs.shared", "../../shared"), "testdata", "upstream-assets");

    @TempDir
    Path dir;

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.err());
        return r;
    }

    @Test
    void mkcomposefsReproducesTheReferenceImages() throws Exception {
        for (String name : List.of("special.dump", "bigfile-xattr.dump", "cs9-x86_64-minimal.dump.gz")) {
            Path img = dir.resolve(name + ".img");
            Path version = ASSETS.resolve(name + ".version");
            String v = Files.exists(version) ? Files.readString(version).trim() : null;
            if (v == null) {
                ok("mkcomposefs", "--from-file", ASSETS.resolve(name).toString(), img.toString());
            } else {
                ok("mkcomposefs", "--min-version=" + v, "--max-version=" + v, "--from-file", ASSETS.resolve(name).toString(),
                        img.toString());
            }
            String golden = Files.readString(ASSETS.resolve(name + ".sha256")).trim().split("\\s+")[0];
            assertEquals(golden, sha256(img), name);
        }
    }

    @Test
    void printDigestIsTheImageFsverityDigest() throws Exception {
        Path img = dir.resolve("img");
        CliRun r = ok("mkcomposefs", "--print-digest", "--from-file", ASSETS.resolve("special.dump").toString(), img.toString());
        assertEquals(FsVerityHasher.digest(img).hex() + "\n", r.out());
        CliRun only = ok("mkcomposefs", "--print-digest-only", "--from-file", ASSETS.resolve("special.dump").toString());
        assertEquals(r.out(), only.out());
    }

    @Test
    void descriptorRoundTripsThroughInfoDumpAndComposefsDump() throws Exception {
        Path dump = ASSETS.resolve("cs9-x86_64-minimal.dump.gz");
        Path img = dir.resolve("min.cfs");
        ok("mkcomposefs", "--format=descriptor", "--from-file", dump.toString(), img.toString());
        byte[] info = ok("composefs-info", "dump", img.toString()).stdout();
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        DumpWriter.write(DumpReader.strict().read(dump), canonical);
        assertEquals(canonical.toString(StandardCharsets.UTF_8), new String(info, StandardCharsets.UTF_8));

        Path again = dir.resolve("again.cfs");
        ok("composefs-dump", img.toString(), again.toString());
        assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(again));

        Path fromInfo = dir.resolve("info.dump");
        Files.write(fromInfo, info);
        Path rebuilt = dir.resolve("rebuilt.cfs");
        ok("mkcomposefs", "--format=descriptor", "--from-file", fromInfo.toString(), rebuilt.toString());
        assertArrayEquals(Files.readAllBytes(img), Files.readAllBytes(rebuilt));
    }

    @Test
    void infoListsObjectsAndMissingObjects() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("sub dir"));
        Files.writeString(tree.resolve("a.txt"), "hello\n");
        Files.writeString(tree.resolve("sub dir/b.txt"), "other content\n");
        Files.writeString(tree.resolve("sub dir/c.txt"), "hello\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        Path store = dir.resolve("store");
        Path img = dir.resolve("img.cfs");
        ok("mkcomposefs", "--format=descriptor", "--digest-store=" + store, tree.toString(), img.toString());
        String a = FsVerityHasher.digest("hello\n".getBytes(StandardCharsets.UTF_8)).objectPath();
        String b = FsVerityHasher.digest("other content\n".getBytes(StandardCharsets.UTF_8)).objectPath();
        List<String> sorted = a.compareTo(b) < 0 ? List.of(a, b) : List.of(b, a);
        assertEquals(String.join("\n", sorted) + "\n", ok("composefs-info", "objects", img.toString()).stdoutText());
        assertEquals("", ok("composefs-info", "--basedir=" + store, "missing-objects", img.toString()).stdoutText());
        Files.delete(store.resolve(b));
        assertEquals(b + "\n", ok("composefs-info", "--basedir=" + store, "missing-objects", img.toString()).stdoutText());
        assertEquals("/a.txt\t@ " + a + "\n/link\t-> a.txt\n/sub dir/\t\n/sub dir/b.txt\t@ " + b + "\n/sub dir/c.txt\t@ " + a + "\n",
                ok("composefs-info", "ls", img.toString()).stdoutText());
        assertEquals("/a.txt\t@ " + a + "\n", ok("composefs-info", "--filter=a.txt", "ls", img.toString()).stdoutText());

        String listing = ok("composefs-ls", "--basedir=" + store, img.toString()).stdoutText();
        assertTrue(listing.contains(" /sub dir/b.txt\n") && listing.contains(" /link -> a.txt\n"), listing);
        Files.writeString(store.resolve(b), "other content\n");
        assertEquals("other content\n", ok("composefs-ls", "--basedir=" + store, "--cat", img.toString(), "/sub dir/b.txt").stdoutText());
        assertEquals(FsVerityHasher.digest(img).hex() + "\n", ok("composefs-info", "measure-file", img.toString()).stdoutText());
    }

    @Test
    void aDirectoryBuildsTheSameImageTwiceAndAfterCopying() throws Exception {
        Path tree = dir.resolve("tree");
        Files.createDirectories(tree.resolve("d/e"));
        Files.writeString(tree.resolve("d/e/f"), "x".repeat(100));
        Files.writeString(tree.resolve("small"), "tiny");
        Files.createSymbolicLink(tree.resolve("d/l"), Path.of("../small"));
        for (String format : List.of("erofs", "descriptor")) {
            Path one = dir.resolve(format + "1");
            Path two = dir.resolve(format + "2");
            String[] flags = format.equals("erofs") ? new String[0] : new String[] {"--by-digest"};
            ok(concat(new String[] {"mkcomposefs", "--format=" + format}, flags, new String[] {tree.toString(), one.toString()}));
            ok(concat(new String[] {"mkcomposefs", "--format=" + format}, flags, new String[] {tree.toString(), two.toString()}));
            assertArrayEquals(Files.readAllBytes(one), Files.readAllBytes(two), format);
            Path copy = dir.resolve("copy-" + format);
            Process p = new ProcessBuilder("cp", "-a", tree.toString(), copy.toString()).inheritIO().start();
            assertEquals(0, p.waitFor());
            Path three = dir.resolve(format + "3");
            Path four = dir.resolve(format + "4");
            ok(concat(new String[] {"mkcomposefs", "--use-epoch", "--format=" + format}, flags, new String[] {tree.toString(), three.toString()}));
            ok(concat(new String[] {"mkcomposefs", "--use-epoch", "--format=" + format}, flags, new String[] {copy.toString(), four.toString()}));
            assertArrayEquals(Files.readAllBytes(three), Files.readAllBytes(four), format);
        }
    }

    private static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    @Test
    void errorsAreOneLineAndLeaveNoImage() throws IOException {
        Path bad = dir.resolve("bad.dump");
        Files.writeString(bad, "/ 0 40755 2 0 0 0 0.0 - - -\n/x 0 0 1 0 0 0 0.0 - - -\n");
        Path img = dir.resolve("img");
        for (String[] args : new String[][] {
                {"mkcomposefs", "--from-file", bad.toString(), img.toString()},
                {"mkcomposefs", dir.resolve("missing").toString(), img.toString()},
                {"mkcomposefs", "--format=zip", bad.toString(), img.toString()},
                {"mkcomposefs", "--print-digest-only", bad.toString(), img.toString()},
                {"mkcomposefs", "--from-file", ASSETS.resolve("special.dump").toString()},
                {"mkcomposefs", "--by-digest", "--from-file", ASSETS.resolve("special.dump").toString(), img.toString()},
                {"composefs-info", "ls", bad.toString()},
                {"composefs-info", "frobnicate", bad.toString()},
                {"composefs-dump", dir.resolve("missing").toString(), img.toString()}}) {
            CliRun r = CliRun.of(args);
            assertTrue(r.status() != 0, String.join(" ", args));
            assertTrue(r.err().startsWith(args[0] + ": "), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertFalse(Files.exists(img), String.join(" ", args));
        }
        assertTrue(CliRun.of("mkcomposefs", "--from-file", bad.toString(), img.toString()).err().contains("bad.dump:2: "));
        try (var s = Files.list(dir)) {
            assertEquals(List.of(bad), s.toList());
        }
    }

    /** As the reference reader does, composefs-info dump lists an inode's inline xattrs before its shared ones. */
    @Test
    void erofsDumpListsInlineXattrsBeforeSharedOnes() throws Exception {
        String dump = "/ 4096 40755 2 0 0 0 0.0 - - -\n"
                + "/a 0 100644 1 0 0 0 0.0 - - - user.b=1 user.z=2\n"
                + "/c 0 100644 1 0 0 0 0.0 - - - user.b=1\n";
        Path img = dir.resolve("order.img");
        CliRun mk = CliRun.withInput(dump.getBytes(StandardCharsets.UTF_8), "mkcomposefs", "--from-file", "-", img.toString());
        assertEquals(0, mk.status(), mk.err());
        assertEquals(dump.replace("user.b=1 user.z=2", "user.z=2 user.b=1"),
                ok("composefs-info", "dump", img.toString()).stdoutText());
    }
}
