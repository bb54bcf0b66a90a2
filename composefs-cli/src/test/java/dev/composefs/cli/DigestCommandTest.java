package dev.composefs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestCommandTest {
    @TempDir
    Path dir;

    private static boolean fsverityInstalled() {
        try {
            Process p = new ProcessBuilder("fsverity", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String fsverity(Path cwd, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("fsverity"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void printsWhatFsverityPrints() throws Exception {
        assumeTrue(fsverityInstalled(), "fsverity (fsverity-utils) not installed");
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        byte[] data = new byte[300_001];
        new Random(3).nextBytes(data);
        Files.write(a, data);
        Files.writeString(b, "hello world");
        List<List<String>> variants = List.of(
                List.of(),
                List.of("--compact"),
                List.of("--for-builtin-sig"),
                List.of("--for-builtin-sig", "--compact"),
                List.of("--hash-alg=sha512", "--block-size=1024", "--salt=00ff10"),
                List.of("--hash-alg", "sha512", "--block-size", "65536"));
        for (List<String> opts : variants) {
            List<String> args = new ArrayList<>(List.of("digest"));
            args.addAll(opts);
            args.add(a.toString());
            args.add(b.toString());
            String expected = fsverity(dir, args);
            List<String> ours = new ArrayList<>(List.of("fsverity"));
            ours.addAll(args);
            CliRun run = CliRun.of(ours.toArray(String[]::new));
            assertEquals(0, run.status(), run.err());
            assertEquals(expected, run.out(), opts.toString());
        }
    }

    @Test
    void writesTheSameDescriptorAndTree() throws Exception {
        assumeTrue(fsverityInstalled(), "fsverity (fsverity-utils) not installed");
        Path f = dir.resolve("f");
        byte[] data = new byte[1_000_000];
        new Random(5).nextBytes(data);
        Files.write(f, data);
        fsverity(dir, List.of("digest", "--out-descriptor=d1", "--out-merkle-tree=t1", f.toString()));
        CliRun run = CliRun.of("fsverity", "digest", "--out-descriptor=" + dir.resolve("d2"),
                "--out-merkle-tree=" + dir.resolve("t2"), f.toString());
        assertEquals(0, run.status(), run.err());
        assertArrayEquals(Files.readAllBytes(dir.resolve("d1")), Files.readAllBytes(dir.resolve("d2")));
        assertArrayEquals(Files.readAllBytes(dir.resolve("t1")), Files.readAllBytes(dir.resolve("t2")));
    }

    @Test
    void errorsAreOneLineWithoutStackTrace() {
        for (String[] args : new String[][] {
                {"fsverity", "digest", dir.resolve("missing").toString()},
                {"fsverity", "digest", "--salt=zz", "x"},
                {"fsverity", "digest", "--block-size=3000", "x"},
                {"fsverity", "digest", "--hash-alg=md5", "x"},
                {"fsverity", "digest"},
                {"fsverity", "digest", dir.toString()}}) {
            CliRun run = CliRun.of(args);
            assertTrue(run.status() != 0, String.join(" ", args));
            assertTrue(run.err().startsWith("fsverity: "), run.err());
            assertFalse(run.err().contains("\tat "), run.err());
            assertEquals("", run.out());
        }
        assertTrue(CliRun.of("fsverity", "digest", dir.resolve("missing").toString()).err().contains("No such file"));
    }

    @Test
    void unknownToolIsAUsageError() {
        CliRun run = CliRun.of("nosuchtool");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("fsverity"));
    }
}
