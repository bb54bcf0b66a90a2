package dev.composefs.format.tree.source;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the extended attributes of one file, without following symlinks.
 */
interface XattrReader {
    /**
     * The xattrs of a file, names and values as bytes.
     *
     * @param rawPath  the file's absolute path as bytes, without a terminating NUL
     * @param file     the same file as a {@link Path}, for the JDK and for messages
     * @param type     the file's type
     * @param userOnly whether to read only the {@code user.} namespace
     */
    List<Xattr> read(byte[] rawPath, Path file, FileType type, boolean userOnly) throws IOException;

    /**
     * The best reader this platform offers: the C library's {@code llistxattr}/{@code lgetxattr} through
     * JNA (every namespace), or if JNA or its native part cannot be loaded, the JDK's {@code user} view
     * (user xattrs only), announced by one warning per process.
     */
    static XattrReader system() {
        return Holder.SYSTEM;
    }

    /** Chooses the reader once per process, so the warning is logged once. */
    final class Holder {
        private static final Logger LOG = LoggerFactory.getLogger(XattrReader.class);
        static final XattrReader SYSTEM = choose();

        private Holder() {
        }

        private static XattrReader choose() {
            try {
                return NativeXattrReader.load();
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("JNA is unavailable ({}): only user.* xattrs can be read from the file system; "
                        + "security.*, trusted.* and system.* xattrs are not stored", e.toString());
                return new UserViewXattrReader();
            }
        }
    }
}
