/**
 * The {@code cfs:} java.nio file system provider: composefs images as read-only, verified file systems.
 *
 * <p>Open an image with {@code FileSystems.newFileSystem(URI.create("cfs:/images/rootfs.cfs"), env)}
 * or {@code FileSystems.newFileSystem(Path.of("rootfs.cfs"), env)}; see
 * {@link dev.composefs.nio.CfsFileSystemProvider} for the life cycle and {@link dev.composefs.nio.CfsOptions}
 * for the {@code env} keys ({@code basedir}, {@code digest}, {@code verity}, {@code view},
 * {@code maxOpenFiles}).
 *
 * <p>Attribute views: {@code basic}, {@code posix}, {@code owner}, {@code unix} (by name), {@code user}
 * ({@code user.*} xattrs), {@code xattr} (every xattr, {@link dev.composefs.nio.XattrFileAttributeView})
 * and {@code composefs} ({@link dev.composefs.nio.ComposefsFileAttributeView}). Everything is
 * read-only: mutations throw {@link java.nio.file.ReadOnlyFileSystemException}.
 */
module dev.composefs.nio {
    requires transitive dev.composefs.format;
    requires org.slf4j;

    exports dev.composefs.nio;

    provides java.nio.file.spi.FileSystemProvider with dev.composefs.nio.CfsFileSystemProvider;
}
