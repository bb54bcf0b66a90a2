package dev.composefs.cli;

import dev.composefs.verity.FsVerityAlgorithm;
import dev.composefs.verity.FsVerityParameters;
import java.util.HexFormat;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The Merkle tree options every {@code fsverity} subcommand shares: {@code --hash-alg},
 * {@code --block-size}, {@code --salt}. A picocli mixin.
 */
public final class VerityOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--hash-alg", paramLabel = "HASH_ALG", description = "sha256 (default) or sha512")
    String hashAlg = "sha256";

    @Option(names = "--block-size", paramLabel = "BLOCK_SIZE", description = "Merkle tree block size, a power of two (default 4096)")
    int blockSize = 4096;

    @Option(names = "--salt", paramLabel = "SALT", description = "salt, in hex (at most 32 bytes)")
    String salt = "";

    /** The parameters the options name; a bad value is a usage error naming the option. */
    public FsVerityParameters parameters() {
        FsVerityAlgorithm alg;
        try {
            alg = FsVerityAlgorithm.byLabel(hashAlg);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "unknown hash algorithm: '" + hashAlg
                    + "' (available: sha256 sha512)");
        }
        byte[] saltBytes;
        try {
            saltBytes = HexFormat.of().parseHex(salt);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "salt is not a valid hex string: '" + salt + "'");
        }
        try {
            return FsVerityParameters.of(alg, blockSize, saltBytes);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
