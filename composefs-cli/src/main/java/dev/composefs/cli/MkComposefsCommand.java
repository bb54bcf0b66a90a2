package dev.composefs.cli;

import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriterOptions;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.source.DirectoryScanner;
import dev.composefs.format.tree.source.PayloadMode;
import dev.composefs.format.tree.source.ScanOptions;
import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mkcomposefs}: builds a composefs image from a directory or a dump file, with the flags of the
 * reference tool (composefs 1.x), plus {@code --format=descriptor} and the descriptor era's payload
 * flags. The image is written to a temporary file and renamed into place.
 */
@Command(name = "mkcomposefs", mixinStandardHelpOptions = true, version = "composefs-java mkcomposefs 0.1",
        description = "Build a composefs image from a directory tree or a dump file.")
public final class MkComposefsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", description = "erofs (default) or descriptor")
    String format = "erofs";

    @Option(names = "--digest-store", paramLabel = "DIR", description = "copy file contents into this object store")
    Path digestStore;

    @Option(names = "--from-file", description = "SOURCE is a dump file (- for standard input)")
    boolean fromFile;

    @Option(names = "--print-digest", description = "print the fs-verity digest of the image")
    boolean printDigest;

    @Option(names = "--print-digest-only", description = "print the digest of the image, do not write it")
    boolean printDigestOnly;

    @Option(names = "--use-epoch", description = "make all mtimes zero")
    boolean useEpoch;

    @Option(names = "--skip-xattrs", description = "do not store xattrs")
    boolean skipXattrs;

    @Option(names = "--user-xattrs", description = "only store user.* xattrs")
    boolean userXattrs;

    @Option(names = "--skip-devices", description = "do not store device nodes")
    boolean skipDevices;

    @Option(names = "--hardlinks", description = "keep hard links (names sharing an inode become one inode)")
    boolean hardlinks;

    @Option(names = "--lenient", description = "accept dump files as the reference parser does without CFS_PARSE_STRICT")
    boolean lenient;

    @Option(names = "--min-version", paramLabel = "N", description = "minimal EROFS format version (default 0)")
    int minVersion = ErofsWriterOptions.DEFAULT.minVersion();

    @Option(names = "--max-version", paramLabel = "N", description = "maximal EROFS format version (default 1)")
    int maxVersion = ErofsWriterOptions.DEFAULT.maxVersion();

    @Option(names = "--threads", paramLabel = "N", description = "threads for hashing and copying (default: processors)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--compute-digest", description = "descriptor format: store each file's fs-verity digest")
    boolean computeDigest;

    @Option(names = "--by-digest", description = "descriptor format: backing path = digest path (implies --compute-digest)")
    boolean byDigest;

    @Option(names = "--absolute", description = "descriptor format: backing path = absolute source path")
    boolean absolute;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "directory, or dump file with --from-file")
    String source;

    @Parameters(index = "1", arity = "0..1", paramLabel = "IMAGE", description = "image to write (- for standard output)")
    String image;

    @Override
    public Integer call() throws Exception {
        ImageFormatOption fmt = parseFormat();
        checkArguments(fmt);
        ErofsWriterOptions versions;
        try {
            versions = new ErofsWriterOptions(minVersion, maxVersion);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        ObjectStore store = digestStore == null ? null : ObjectStore.open(digestStore, threads);
        Tree tree = fromFile ? readDump() : scan(fmt, store);
        if (fmt == ImageFormatOption.DESCRIPTOR) {
            moveInlineContent(tree, store);
        }
        byte[] bytes;
        try {
            bytes = fmt.write(tree, versions);
        } catch (IllegalArgumentException e) {
            throw new IOException(source + ": cannot be written as a " + format + " image: " + e.getMessage(), e);
        }
        FsVerityDigest digest = printDigest || printDigestOnly ? FsVerityHasher.digest(bytes) : null;
        if (!printDigestOnly) {
            if (image.equals("-")) {
                if (System.console() != null) {
                    throw new IOException("stdout is a tty.  Refusing to use it");
                }
                PrintStream stdout = System.out;
                stdout.write(bytes);
                stdout.flush();
            } else {
                OutputFiles.write(Path.of(image), bytes);
            }
        }
        if (digest != null) {
            spec.commandLine().getOut().println(digest.hex());
            spec.commandLine().getOut().flush();
        }
        return 0;
    }

    private ImageFormatOption parseFormat() {
        try {
            return ImageFormatOption.valueOf(format.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "invalid --format '" + format + "': erofs or descriptor");
        }
    }

    private void checkArguments(ImageFormatOption fmt) {
        if (source.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Empty source path specified");
        }
        if (printDigestOnly && image != null) {
            throw new ParameterException(spec.commandLine(), "Cannot specify destination path with --print-digest-only");
        }
        if (!printDigestOnly && image == null) {
            throw new ParameterException(spec.commandLine(), "No destination path specified");
        }
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid threads count " + threads);
        }
        if (fmt == ImageFormatOption.EROFS && (computeDigest || byDigest || absolute)) {
            throw new ParameterException(spec.commandLine(),
                    "--compute-digest, --by-digest and --absolute are descriptor-format flags (the EROFS format always refers to files by digest)");
        }
        if (absolute && (byDigest || digestStore != null)) {
            throw new ParameterException(spec.commandLine(), "--absolute conflicts with --by-digest and --digest-store");
        }
    }

    private Tree readDump() throws IOException {
        DumpReader reader = lenient ? DumpReader.lenient() : DumpReader.strict();
        if (source.equals("-")) {
            return reader.read(System.in, DumpReader.STDIN);
        }
        return reader.read(Path.of(source));
    }

    private Tree scan(ImageFormatOption fmt, ObjectStore store) throws IOException {
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
            throw new IOException("error accessing " + source + ": not a directory");
        }
        ScanOptions o = ScanOptions.defaults().withUseEpoch(useEpoch).withSkipXattrs(skipXattrs)
                .withUserXattrsOnly(userXattrs).withSkipDevices(skipDevices).withHardlinks(hardlinks)
                .withThreads(threads);
        if (fmt == ImageFormatOption.EROFS) {
            // The reference tool always refers to content by digest and inlines small files.
            o = o.withPayloadMode(PayloadMode.DIGEST_PATH).withComputeDigests(true)
                    .withInlineThreshold(ScanOptions.EROFS_INLINE_THRESHOLD);
        } else if (byDigest || store != null) {
            o = o.withPayloadMode(PayloadMode.DIGEST_PATH).withComputeDigests(true);
        } else {
            o = o.withPayloadMode(absolute ? PayloadMode.ABSOLUTE_PATH : PayloadMode.RELATIVE_PATH)
                    .withComputeDigests(computeDigest);
        }
        if (store != null) {
            o = o.withDigestStore(store);
        }
        return new DirectoryScanner(o).scan(dir);
    }

    /**
     * The descriptor format has no inline content: dump lines with CONTENT become objects in the
     * digest store, or are refused without one.
     */
    private void moveInlineContent(Tree tree, ObjectStore store) throws IOException {
        if (store != null) {
            store.storeInlineContent(tree);
            return;
        }
        byte[][] first = new byte[1][];
        tree.walk((path, inode) -> {
            if (first[0] == null && inode.content() != null) {
                first[0] = path;
            }
        });
        if (first[0] != null) {
            throw new IOException(source + ": " + new String(first[0], StandardCharsets.UTF_8) + " has inline content,"
                    + " which the descriptor format cannot hold; give --digest-store=DIR to store it as an object");
        }
    }
}
