package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.store.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code mkcomposefs --from-file} and {@code composefs-info dump} on a real tree, for both image
 * formats: in-process (warm JIT; parse + write, open + read + dump) and as processes of the CLI
 * (wall time, JVM start included).
 *
 * <p>Usage: {@code FormatComparison --dump=FILE --bin=DIR [--rounds=N] [--out=FILE] [--ratios=FILE]}.
 */
public final class FormatComparison {
    private FormatComparison() {
    }

    /** Runs the comparison and prints (and optionally writes) a Markdown report. */
    public static void main(String[] args) throws Exception {
        HarnessArgs a = new HarnessArgs(args, java.util.Set.of("dump", "bin", "rounds"));
        a.report(run(a.requiredPath("dump"), a.path("bin"), a.integer("rounds", 5), a.ratios()));
    }

    static String run(Path dump, Path bin, int rounds, RatioLog log) throws Exception {
        Path work = Files.createTempDirectory("format-bench");
        try {
            Tree tree = DumpReader.strict().read(dump);
            Path erofs = work.resolve("image.erofs");
            new ErofsWriter().write(tree, erofs);
            Tree descTree = DumpReader.strict().read(dump);
            ObjectStore.open(work.resolve("objects")).storeInlineContent(descTree);
            Path desc = work.resolve("image.desc");
            DescriptorWriter.write(descTree, desc);
            Path descDump = work.resolve("desc.dump");
            DumpWriter.write(descTree, descDump);

            Medians inProcess = new Medians()
                    .add("mkcomposefs --from-file, EROFS (parse + write)",
                            () -> new ErofsWriter().toBytes(DumpReader.strict().read(dump)).length)
                    .add("mkcomposefs --from-file, descriptor (parse + write)",
                            () -> DescriptorWriter.toBytes(DumpReader.strict().read(descDump)).length)
                    .add("composefs-info dump, descriptor (open + read + dump)", () -> dumpImage(desc));
            boolean erofsReadable = readable(erofs);
            if (erofsReadable) {
                inProcess.add("composefs-info dump, EROFS (open + read + dump)", () -> dumpImage(erofs));
            }
            inProcess.run(2, rounds);
            inProcess.ratio(log, "mkcomposefs --from-file, in-process", "mkcomposefs --from-file, EROFS (parse + write)",
                    "mkcomposefs --from-file, descriptor (parse + write)");
            if (erofsReadable) {
                inProcess.ratio(log, "composefs-info dump, in-process", "composefs-info dump, EROFS (open + read + dump)",
                        "composefs-info dump, descriptor (open + read + dump)");
            }

            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Image tools on `%s`: %d entries; images: EROFS %d KiB, descriptor %d KiB%n%n",
                    dump.getFileName(), count(tree), Files.size(erofs) >> 10, Files.size(desc) >> 10));
            sb.append("In-process, warm (median of ").append(rounds).append("):\n\n");
            sb.append(inProcess.table("mkcomposefs --from-file, EROFS (parse + write)"));
            if (bin != null) {
                Medians processes = new Medians()
                        .add("bin/mkcomposefs --from-file (EROFS)", () -> exec(bin.resolve("mkcomposefs"), "--from-file",
                                dump.toString(), work.resolve("p.erofs").toString()))
                        .add("bin/mkcomposefs --from-file --format=descriptor", () -> exec(bin.resolve("mkcomposefs"),
                                "--format=descriptor", "--from-file", descDump.toString(), work.resolve("p.desc").toString()))
                        .add("bin/composefs-info dump (descriptor)", () -> exec(bin.resolve("composefs-info"), "dump",
                                desc.toString()));
                if (erofsReadable) {
                    processes.add("bin/composefs-info dump (EROFS)", () -> exec(bin.resolve("composefs-info"), "dump",
                            erofs.toString()));
                }
                processes.run(1, Math.max(3, rounds / 2));
                processes.ratio(log, "mkcomposefs --from-file, process", "bin/mkcomposefs --from-file (EROFS)",
                        "bin/mkcomposefs --from-file --format=descriptor");
                sb.append("\nAs processes (wall time, JVM start included):\n\n");
                sb.append(processes.table("bin/mkcomposefs --from-file (EROFS)"));
            }
            if (!erofsReadable) {
                sb.append("\n(EROFS images cannot be read by this build yet: no EROFS dump figures.)\n");
            }
            return sb.toString();
        } finally {
            deleteTree(work);
        }
    }

    private static boolean readable(Path image) {
        try (Image i = Image.open(image)) {
            return i != null;
        } catch (IOException e) {
            return false;
        }
    }

    private static int dumpImage(Path image) throws IOException {
        try (Image i = Image.open(image)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 20);
            DumpWriter.write(ImageTree.read(i), out);
            return out.size();
        }
    }

    private static int count(Tree tree) {
        int[] n = {0};
        tree.walk((p, i) -> n[0]++);
        return n[0];
    }

    private static int exec(Path tool, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long n;
        try (var in = p.getInputStream()) {
            n = in.transferTo(OutputStream.nullOutputStream());
        }
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException(cmd + " failed");
        }
        return (int) n;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
