package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Timespec;
import dev.composefs.format.tree.Tree;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One large file of pseudo-random bytes three ways: as an object in a basedir object store (read
 * directly it is the plain-read peer), behind a descriptor and an EROFS image holding only
 * {@code /}{@value #NAME} with its fs-verity digest, and as a stored (uncompressed) zip entry.
 */
final class LargeFileFixture {
    /** The file's name in the images and the zip. */
    static final String NAME = "large.bin";

    final long size;
    final Path objects;
    final Path object;
    final Path descriptor;
    final Path erofs;
    final Path zip;

    private LargeFileFixture(Path work, long size, FsVerityDigest digest) {
        this.size = size;
        this.objects = work.resolve("objects");
        this.object = objects.resolve(digest.objectPath());
        this.descriptor = work.resolve("large.desc");
        this.erofs = work.resolve("large.erofs");
        this.zip = work.resolve("large.zip");
    }

    /** The fixture of a {@code size}-byte file under {@code work} (reused if complete). */
    static LargeFileFixture of(Path work, long size) throws IOException {
        Path done = work.resolve("complete");
        if (Files.exists(done)) {
            return new LargeFileFixture(work, size, FsVerityDigest.parse(Files.readString(done).trim()));
        }
        FormatComparison.deleteTree(work);
        Files.createDirectories(work);
        Path source = work.resolve(NAME);
        VerityComparison.fill(source, size);
        FsVerityDigest digest = ObjectStore.open(work.resolve("objects")).put(source);
        LargeFileFixture f = new LargeFileFixture(work, size, digest);
        Inode root = new Inode(0040755).mtime(new Timespec(1_700_000_000L, 0));
        root.addChild(Name.of(NAME), new Inode(0100644).size(size).mtime(new Timespec(1_700_000_000L, 0)).digest(digest)
                .payload(digest.objectPath().getBytes(StandardCharsets.US_ASCII)));
        DescriptorWriter.write(new Tree(root), f.descriptor);
        new ErofsWriter().write(new Tree(root), f.erofs);
        try (FileSystem z = FileSystems.newFileSystem(URI.create("jar:" + f.zip.toUri()),
                Map.of("create", "true", "noCompression", "true"))) {
            Files.copy(source, z.getPath("/" + NAME));
        }
        Files.delete(source);
        Files.writeString(done, digest.toString());
        return f;
    }
}
