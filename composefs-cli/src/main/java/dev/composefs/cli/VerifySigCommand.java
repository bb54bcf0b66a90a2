package dev.composefs.cli;

import dev.composefs.verity.FsVerityDigest;
import dev.composefs.verity.FsVerityHasher;
import dev.composefs.verity.FsVerityParameters;
import dev.composefs.verity.sig.FsVeritySignatureVerifier;
import dev.composefs.verity.sig.PemFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code fsverity verify-sig} (not in fsverity-utils): checks in userspace that SIGFILE is a built-in
 * signature of FILE's fs-verity digest by one of the trusted certificates, as the kernel would with
 * those certificates in its {@code .fs-verity} keyring. Exit status 0 when it is, 1 with the reason
 * when not.
 */
@Command(name = "verify-sig", mixinStandardHelpOptions = true,
        description = "Check that SIGFILE is a built-in signature of FILE's fs-verity digest by a trusted certificate.")
public final class VerifySigCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    VerityOptions verity;

    @Option(names = "--cert", paramLabel = "CERTFILE", required = true,
            description = "trusted certificate(s), PEM or DER; repeat for more")
    List<Path> certs;

    @Parameters(index = "0", paramLabel = "FILE", description = "the signed file")
    Path file;

    @Parameters(index = "1", paramLabel = "SIGFILE", description = "its DER PKCS#7 signature, as fsverity sign writes it")
    Path signatureFile;

    @Override
    public Integer call() throws IOException {
        FsVerityParameters params = verity.parameters();
        List<X509Certificate> trusted = new ArrayList<>();
        for (Path c : certs) {
            trusted.addAll(PemFiles.readCertificates(c));
        }
        if (Files.isDirectory(file)) {
            throw new IOException("reading from '" + file + "': Is a directory");
        }
        FsVerityDigest digest = FsVerityHasher.digest(file, params);
        X509Certificate signer = new FsVeritySignatureVerifier(trusted).verify(digest, signatureFile);
        PrintWriter out = spec.commandLine().getOut();
        out.println("Verified signature of file '" + file + "' (" + digest + ") by "
                + signer.getSubjectX500Principal().getName());
        out.flush();
        return 0;
    }
}
