package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.source.DirectoryScanner;
import dev.composefs.format.tree.source.PayloadMode;
import dev.composefs.format.tree.source.ScanOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The same tree four ways, for side-by-side measurements: materialized on disk (directories, empty
 * files, symlinks; devices and the like as empty files), as a descriptor image and an EROFS image
 * built from that directory, and as a zip of it. Built once into a work directory and reused.
 */
final class TreeFixtures {
    final Path dir;
    final Path descriptor;
    final Path erofs;
    final Path zip;
    final int entries;

    private TreeFixtures(Path work, int entries) {
        this.dir = work.resolve("tree");
        this.descriptor = work.resolve("tree.desc");
        this.erofs = work.resolve("tree.erofs");
        this.zip = work.resolve("tree.zip");
        this.entries = entries;
    }

    /** The fixtures of the tree in dump file {@code dump}, under {@code work} (reused if complete). */
    static TreeFixtures of(Path dump, Path work) throws IOException {
        Path done = work.resolve("complete");
        if (Files.exists(done)) {
            return new TreeFixtures(work, Integer.parseInt(Files.readString(done).trim()));
        }
        FormatComparison.deleteTree(work);
        Files.createDirectories(work);
        TreeFixtures f = new TreeFixtures(work, materialize(DumpReader.strict().read(dump), work.resolve("tree")));
        Tree scanned = new DirectoryScanner(ScanOptions.defaults().withPayloadMode(PayloadMode.NONE)).scan(f.dir);
        DescriptorWriter.write(scanned, f.descriptor);
        new ErofsWriter().write(scanned, f.erofs);
        zip(f.dir, f.zip, false);
        Files.writeString(done, Integer.toString(f.entries));
        return f;
    }

    private static int materialize(Tree tree, Path root) throws IOException {
        int[] n = {0};
        tree.walk((path, inode) -> {
            n[0]++;
            String rel = new String(path, StandardCharsets.UTF_8).substring(1);
            Path p = rel.isEmpty() ? root : root.resolve(rel);
            if (inode.type() == FileType.DIRECTORY) {
                Files.createDirectories(p);
            } else if (inode.type() == FileType.SYMLINK) {
                Files.createSymbolicLink(p, Path.of(new String(inode.payload(), StandardCharsets.UTF_8)));
            } else {
                Files.createFile(p);
            }
        });
        return n[0];
    }

    /**
     * Zips {@code dir} into {@code zip} with zipfs, copying file content (stored, not compressed) if
     * {@code withContent}, else creating empty entries; symlinks become empty entries.
     */
    static void zip(Path dir, Path zip, boolean withContent) throws IOException {
        URI uri = URI.create("jar:" + zip.toUri());
        Map<String, String> env = Map.of("create", "true", "enablePosixFileAttributes", "true", "noCompression", "true");
        try (FileSystem z = FileSystems.newFileSystem(uri, env);
             Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = dir.relativize(p).toString();
                // zipfs reads '\\' as a separator, so names holding one (systemd's escapes) cannot be stored.
                if (rel.isEmpty() || rel.indexOf('\\') >= 0) {
                    continue;
                }
                Path target = z.getPath("/" + rel);
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (withContent && Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, target);
                } else {
                    Files.createFile(target);
                }
            }
        }
    }
}
