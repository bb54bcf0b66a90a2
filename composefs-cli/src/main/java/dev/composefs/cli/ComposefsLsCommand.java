package dev.composefs.cli;

import dev.composefs.nio.CfsFileAttributes;
import dev.composefs.nio.CfsOptions;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code composefs-ls}: lists an image, or prints a file of it, through the {@code cfs:} java.nio
 * provider, the way a JVM program reads an image: {@code Files.walk} and POSIX attributes, and file
 * content read from the base directories and verified against the image's digests.
 */
@Command(name = "composefs-ls", mixinStandardHelpOptions = true, version = "composefs-java composefs-ls 0.1",
        description = "List a composefs image (like ls -lR), or print one of its files, through the cfs: file system.")
public final class ComposefsLsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    @Option(names = "--basedir", paramLabel = "DIRS", description = "object directories, colon-separated")
    String basedir;

    @Option(names = "--digest", paramLabel = "DIGEST", description = "the image's expected fs-verity digest")
    String digest;

    @Option(names = "--verity", paramLabel = "MODE", description = "none, if-present (default) or require")
    String verity;

    @Option(names = "--cat", description = "print the content of each PATH instead of listing")
    boolean cat;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "the image")
    Path image;

    @Parameters(index = "1..*", paramLabel = "PATH", description = "paths in the image (default /)")
    List<String> paths = List.of("/");

    @Override
    public Integer call() throws Exception {
        Map<String, Object> env = new HashMap<>();
        if (basedir != null) {
            env.put(CfsOptions.BASEDIR, basedir);
        }
        if (digest != null) {
            env.put(CfsOptions.DIGEST, digest);
        }
        if (verity != null) {
            env.put(CfsOptions.VERITY, verity);
        }
        OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
        try (FileSystem fs = FileSystems.newFileSystem(image, env)) {
            for (String p : paths) {
                Path start = fs.getPath(p);
                if (cat) {
                    try (InputStream in = Files.newInputStream(start)) {
                        in.transferTo(out);
                    }
                } else {
                    try (Stream<Path> walk = Files.walk(start)) {
                        walk.forEach(path -> line(path, out));
                    } catch (UncheckedIOException e) {
                        throw e.getCause();
                    }
                }
            }
        }
        out.flush();
        return 0;
    }

    private static void line(Path path, OutputStream out) {
        try {
            CfsFileAttributes a = Files.readAttributes(path, CfsFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            char type = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : a.isRegularFile() ? '-'
                    : typeChar(a.mode());
            StringBuilder sb = new StringBuilder();
            sb.append(type).append(PosixFilePermissions.toString(a.permissions())).append(' ')
                    .append(a.nlink()).append(' ').append(a.uid()).append(' ').append(a.gid()).append(' ')
                    .append(a.isOther() && a.rdev() != 0 ? (a.rdev() >> 8 & 0xfff) + "," + (a.rdev() & 0xff) : a.size())
                    .append(' ').append(TIME.format(a.lastModifiedTime().toInstant())).append(' ').append(path);
            if (a.isSymbolicLink()) {
                sb.append(" -> ").append(Files.readSymbolicLink(path));
            }
            sb.append('\n');
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static char typeChar(int mode) {
        return switch (mode & 0170000) {
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0010000 -> 'p';
            case 0140000 -> 's';
            default -> '?';
        };
    }
}
