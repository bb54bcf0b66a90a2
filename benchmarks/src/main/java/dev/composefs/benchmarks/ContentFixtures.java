package dev.composefs.benchmarks;

import dev.composefs.format.descriptor.DescriptorWriter;
import dev.composefs.format.dump.DumpReader;
import dev.composefs.format.erofs.ErofsWriter;
import dev.composefs.format.store.ObjectStore;
import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Tree;
import dev.composefs.verity.FsVerityDigest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A real tree with file content, four ways, for measuring reads of every file: materialized on disk
 * with synthetic content, a zip of it (entries stored), and a descriptor and an EROFS image of the
 * dump's metadata whose regular files refer by fs-verity digest to objects in a basedir object store
 * ({@link ObjectStore}), as {@code mkcomposefs --digest-store} lays them out.
 *
 * <p>Content: each regular file gets the size the dump gives it, cut to {@link #MAX_FILE_BYTES}, and
 * pseudo-random bytes seeded by its backing object's name, so files that share an object in the
 * original tree share it here too (the store deduplicates them as it would the real files). Files are
 * written on several threads: creating twenty thousand small files is latency-bound, not CPU-bound.
 */
final class ContentFixtures {
    /** Files larger than this in the dump are cut to it: the benchmark is about small files. */
    static final int MAX_FILE_BYTES = 16 << 10;
    private static final int WRITERS = 4;

    final Path dir;
    final Path objects;
    final Path descriptor;
    final Path erofs;
    final Path zip;
    final int entries;

    private ContentFixtures(Path work, int entries) {
        this.dir = work.resolve("tree");
        this.objects = work.resolve("objects");
        this.descriptor = work.resolve("tree.desc");
        this.erofs = work.resolve("tree.erofs");
        this.zip = work.resolve("tree.zip");
        this.entries = entries;
    }

    /** The fixtures of the tree in dump file {@code dump}, under {@code work} (reused if complete). */
    static ContentFixtures of(Path dump, Path work) throws IOException, InterruptedException {
        Path done = work.resolve("complete");
        if (Files.exists(done)) {
            return new ContentFixtures(work, Integer.parseInt(Files.readString(done).trim()));
        }
        FormatComparison.deleteTree(work);
        Files.createDirectories(work);
        Tree tree = DumpReader.strict().read(dump);
        List<Path> paths = new ArrayList<>();
        List<Inode> inodes = new ArrayList<>();
        ContentFixtures f = new ContentFixtures(work, 0);
        int[] directories = {0};
        tree.walk((path, inode) -> {
            String rel = new String(path, StandardCharsets.UTF_8).substring(1);
            Path p = rel.isEmpty() ? f.dir : f.dir.resolve(rel);
            if (inode.type() == FileType.DIRECTORY) {
                Files.createDirectories(p);
                directories[0]++;
            } else {
                paths.add(p);
                inodes.add(inode);
            }
        });
        Map<Inode, FsVerityDigest> digests = write(paths, inodes, ObjectStore.open(f.objects));
        for (Map.Entry<Inode, FsVerityDigest> e : digests.entrySet()) {
            Inode inode = e.getKey().content(null).size(Math.min(e.getKey().size(), MAX_FILE_BYTES));
            FsVerityDigest d = e.getValue();
            inode.digest(d).payload(d == null ? null : d.objectPath().getBytes(StandardCharsets.US_ASCII));
        }
        DescriptorWriter.write(tree, f.descriptor);
        new ErofsWriter().write(tree, f.erofs);
        TreeFixtures.zip(f.dir, f.zip, true);
        int entries = paths.size() + directories[0];
        Files.writeString(done, Integer.toString(entries));
        return new ContentFixtures(work, entries);
    }

    /**
     * Writes every non-directory at its path (symlinks as symlinks, devices and the like as empty
     * files, regular files with their content) and stores each non-empty regular file's content as an
     * object; returns every regular inode's digest (null for an empty file).
     */
    private static Map<Inode, FsVerityDigest> write(List<Path> paths, List<Inode> inodes, ObjectStore store)
            throws IOException, InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<FsVerityDigest>> results = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                Path p = paths.get(i);
                Inode inode = inodes.get(i);
                results.add(pool.submit(() -> {
                    if (inode.type() == FileType.SYMLINK) {
                        Files.createSymbolicLink(p, Path.of(new String(inode.payload(), StandardCharsets.UTF_8)));
                        return null;
                    } else if (inode.type() != FileType.REGULAR) {
                        Files.createFile(p);
                        return null;
                    }
                    byte[] content = content(inode);
                    Files.write(p, content);
                    return content.length == 0 ? null : store.put(content);
                }));
            }
            Map<Inode, FsVerityDigest> digests = new IdentityHashMap<>();
            for (int i = 0; i < paths.size(); i++) {
                FsVerityDigest d = results.get(i).get();
                if (inodes.get(i).type() == FileType.REGULAR) {
                    digests.put(inodes.get(i), d);
                }
            }
            return digests;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** The synthetic content of a regular file the dump describes as {@code inode}. */
    static byte[] content(Inode inode) {
        if (inode.content() != null) {
            return inode.content();
        }
        byte[] b = new byte[(int) Math.min(inode.size(), MAX_FILE_BYTES)];
        byte[] key = inode.payload() != null ? inode.payload() : new byte[0];
        SplittableRandom r = new SplittableRandom(Arrays.hashCode(key) * 0x9E3779B97F4A7C15L + key.length);
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) r.nextInt();
        }
        return b;
    }
}
