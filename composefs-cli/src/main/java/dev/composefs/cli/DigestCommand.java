package dev.composefs.cli;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.MerkleTree;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code fsverity digest}: prints each file's fs-verity digest exactly as fsverity-utils does.
 */
@Command(name = "digest", mixinStandardHelpOptions = true,
        description = "Compute the fs-verity digest of the given file(s), for offline signing.")
public final class DigestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerityOptions verity;

    @Option(names = "--compact", description = "print only the hex digest")
    boolean compact;

    @Option(names = "--for-builtin-sig", description = "print the formatted digest a built-in signature signs")
    boolean forBuiltinSig;

    @Option(names = "--out-merkle-tree", paramLabel = "FILE", description = "write the Merkle tree to FILE")
    Path outMerkleTree;

    @Option(names = "--out-descriptor", paramLabel = "FILE", description = "write the fs-verity descriptor to FILE")
    Path outDescriptor;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "files to digest")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        FsVerityParameters params = verity.parameters();
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : files) {
            if (Files.isDirectory(file)) {
                throw new java.io.IOException("reading from '" + file + "': Is a directory");
            }
            FsVerityDigest digest;
            if (outMerkleTree == null && outDescriptor == null) {
                digest = FsVerityHasher.digest(file, params);
            } else {
                digest = writeTreeFiles(MerkleTree.build(file, params));
            }
            String text = forBuiltinSig ? HexFormat.of().formatHex(digest.formattedDigest())
                    : compact ? digest.hex() : digest.toString();
            out.println(compact ? text : text + " " + file);
        }
        out.flush();
        return 0;
    }

    private FsVerityDigest writeTreeFiles(MerkleTree tree) throws java.io.IOException {
        if (outMerkleTree != null) {
            OutputFiles.write(outMerkleTree, tree::writeTo);
        }
        if (outDescriptor != null) {
            OutputFiles.write(outDescriptor, tree.descriptor());
        }
        return tree.digest();
    }
}
