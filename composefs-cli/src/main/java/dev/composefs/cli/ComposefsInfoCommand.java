package dev.composefs.cli;

import dev.composefs.format.dump.DumpEscaping;
import dev.composefs.format.dump.DumpWriter;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Tree;
import dev.composefs.verity.FsVerityHasher;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code composefs-info}: lists, dumps and inspects images of either format, with the reference
 * tool's output byte for byte ({@code ls}, {@code dump}, {@code objects}, {@code missing-objects},
 * {@code measure-file}).
 */
@Command(name = "composefs-info", mixinStandardHelpOptions = true, version = "composefs-java composefs-info 0.1",
        description = "Show the content of composefs images.")
public final class ComposefsInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--basedir", paramLabel = "DIR", description = "object directory, for missing-objects")
    Path basedir;

    @Option(names = "--filter", paramLabel = "NAME", description = "only this top-level entry (repeatable)")
    List<String> filters = new ArrayList<>();

    @Parameters(index = "0", paramLabel = "COMMAND", description = "ls, dump, objects, missing-objects or measure-file")
    String command;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE", description = "images (files, for measure-file)")
    List<Path> images;

    @Override
    public Integer call() throws Exception {
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        switch (command) {
            case "ls" -> {
                for (Path image : images) {
                    list(ImageTrees.load(image, filters), out);
                }
            }
            case "dump" -> {
                for (Path image : images) {
                    DumpWriter.write(ImageTrees.load(image, filters), out);
                }
            }
            case "objects", "missing-objects" -> objects(out, command.equals("missing-objects"));
            case "measure-file" -> {
                for (Path file : images) {
                    out.write((FsVerityHasher.digest(file).hex() + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            }
            default -> throw new ParameterException(spec.commandLine(), "Unknown command '" + command + "'");
        }
        out.flush();
        return 0;
    }

    /** {@code ls}: each path below the root; directories end in {@code /}, links and backing files say where they go. */
    private static void list(Tree tree, OutputStream out) throws IOException {
        tree.walk((path, inode) -> {
            if (path.length == 1) {
                return;
            }
            out.write(DumpEscaping.escape(path, DumpEscaping.Field.LISTING_PATH));
            FileType t = inode.type();
            byte[] payload = inode.payload();
            if (t == FileType.DIRECTORY) {
                out.write('/');
                out.write('\t');
            } else if (t == FileType.SYMLINK) {
                out.write("\t-> ".getBytes(StandardCharsets.US_ASCII));
                out.write(DumpEscaping.escape(payload == null ? new byte[0] : payload, DumpEscaping.Field.PATH));
            } else if (t == FileType.REGULAR && payload != null) {
                out.write("\t@ ".getBytes(StandardCharsets.US_ASCII));
                out.write(DumpEscaping.escape(payload, DumpEscaping.Field.PATH));
            }
            out.write('\n');
        });
    }

    /** {@code objects} / {@code missing-objects}: the distinct backing paths, sorted as bytes, one per line. */
    private void objects(OutputStream out, boolean missingOnly) throws IOException {
        if (missingOnly && basedir == null) {
            throw new ParameterException(spec.commandLine(), "missing-objects needs --basedir=DIR");
        }
        TreeSet<byte[]> objects = new TreeSet<>(Arrays::compareUnsigned);
        for (Path image : images) {
            Tree tree = ImageTrees.load(image, filters);
            tree.walk((path, inode) -> {
                byte[] payload = inode.payload();
                if (inode.type() == FileType.REGULAR && payload != null && !objects.contains(payload)
                        && !(missingOnly && present(payload))) {
                    objects.add(payload);
                }
            });
        }
        for (byte[] o : objects) {
            out.write(o);
            out.write('\n');
        }
    }

    private boolean present(byte[] payload) {
        int start = 0;
        while (start < payload.length && payload[start] == '/') {
            start++;
        }
        String rel = new String(payload, start, payload.length - start, StandardCharsets.UTF_8);
        try {
            return Files.exists(basedir.resolve(rel));
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }
}
