package dev.composefs.cli;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.MerkleTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --out-merkle-tree} and {@code --out-descriptor}, shared by {@code fsverity digest} and
 * {@code fsverity sign}, and the one way those commands hash a file: the digest alone when no output
 * is asked for, else the whole tree, written out as fsverity-utils writes it. A picocli mixin.
 */
public final class TreeOutputOptions {
    @Option(names = "--out-merkle-tree", paramLabel = "FILE", description = "write the Merkle tree to FILE")
    Path outMerkleTree;

    @Option(names = "--out-descriptor", paramLabel = "FILE", description = "write the fs-verity descriptor to FILE")
    Path outDescriptor;

    /** The digest of {@code file}, writing the tree and descriptor files if asked for. */
    FsVerityDigest digest(Path file, FsVerityParameters params) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException("reading from '" + file + "': Is a directory");
        }
        if (outMerkleTree == null && outDescriptor == null) {
            return FsVerityHasher.digest(file, params);
        }
        MerkleTree tree = MerkleTree.build(file, params);
        if (outMerkleTree != null) {
            OutputFiles.write(outMerkleTree, tree::writeTo);
        }
        if (outDescriptor != null) {
            OutputFiles.write(outDescriptor, tree.descriptor());
        }
        return tree.digest();
    }
}
