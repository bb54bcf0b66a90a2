package dev.composefs.cli;

import picocli.CommandLine.Command;

/**
 * {@code fsverity}: fs-verity digests and built-in signatures in userspace, after fsverity-utils.
 */
@Command(name = "fsverity", mixinStandardHelpOptions = true, version = "composefs-java fsverity 0.1",
        description = "fs-verity file digests and signatures, computed in userspace.",
        subcommands = {DigestCommand.class, SignCommand.class, VerifySigCommand.class})
public final class FsVerityCommand {
}
