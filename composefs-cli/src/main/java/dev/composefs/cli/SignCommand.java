package dev.composefs.cli;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.sig.FsVeritySigner;
import dev.composefs.verity.sig.KeyMaterialException;
import dev.composefs.verity.sig.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fsverity sign}: writes the built-in signature of a file's fs-verity digest, the same DER
 * PKCS#7 bytes fsverity-utils writes, and prints {@code Signed file 'FILE' (sha256:...)}.
 */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Sign a file's fs-verity digest, writing the DER PKCS#7 built-in signature to OUT_SIGFILE.")
public final class SignCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerityOptions verity;

    @Option(names = "--key", paramLabel = "KEYFILE", description = "PEM private key (RSA or EC)")
    Path key;

    @Option(names = "--cert", paramLabel = "CERTFILE",
            description = "PEM certificate of the key (default: read it from KEYFILE)")
    Path cert;

    @Mixin
    TreeOutputOptions treeOutputs;

    @Parameters(index = "0", paramLabel = "FILE", description = "file to sign")
    Path file;

    @Parameters(index = "1", paramLabel = "OUT_SIGFILE", description = "where to write the signature")
    Path signatureFile;

    @Override
    public Integer call() throws IOException {
        FsVerityParameters params = verity.parameters();
        if (key == null) {
            throw new KeyMaterialException("no private key specified");
        }
        // As in fsverity-utils, the certificate may sit in the key file.
        FsVeritySigner signer = new FsVeritySigner(PemFiles.readPrivateKey(key),
                PemFiles.readCertificate(cert != null ? cert : key));
        FsVerityDigest digest = treeOutputs.digest(file, params);
        OutputFiles.write(signatureFile, signer.sign(digest));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Signed file '" + file + "' (" + digest + ")");
        out.flush();
        return 0;
    }
}
