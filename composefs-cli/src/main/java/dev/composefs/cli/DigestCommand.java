package dev.composefs.cli;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityParameters;
import java.io.PrintWriter;
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

    @Mixin
    TreeOutputOptions treeOutputs;

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "files to digest")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        FsVerityParameters params = verity.parameters();
        PrintWriter out = spec.commandLine().getOut();
        for (Path file : files) {
            FsVerityDigest digest = treeOutputs.digest(file, params);
            String text = forBuiltinSig ? HexFormat.of().formatHex(digest.formattedDigest())
                    : compact ? digest.hex() : digest.toString();
            out.println(compact ? text : text + " " + file);
        }
        out.flush();
        return 0;
    }
}
