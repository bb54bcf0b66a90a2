package dev.composefs.nio;

import dev.composefs.format.image.Content;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.ReadOnlyFileSystemException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The attribute views of a {@code cfs:} file system, looked up by class. Getting a view never touches
 * the image; each read resolves the path then, so a view of a missing file fails only when read.
 * Every setter throws {@link ReadOnlyFileSystemException}.
 */
final class AttributeViews {
    /** The views by name, as {@link java.nio.file.FileSystem#supportedFileAttributeViews()} lists them. */
    static final Set<String> NAMES = Set.of("basic", "posix", "owner", "unix", "user", "xattr", "composefs");

    private AttributeViews() {
    }

    /** The view of {@code type} for {@code path}, or {@code null} if the file system has none of that type. */
    @SuppressWarnings("unchecked")
    static <V extends FileAttributeView> V of(CfsPath path, Class<V> type, boolean follow) {
        FileAttributeView v;
        if (type == BasicFileAttributeView.class) {
            v = new Posix(path, follow, "basic");
        } else if (type == PosixFileAttributeView.class) {
            v = new Posix(path, follow, "posix");
        } else if (type == FileOwnerAttributeView.class) {
            v = new Posix(path, follow, "owner");
        } else if (type == UserDefinedFileAttributeView.class) {
            v = new User(path, follow);
        } else if (type == XattrFileAttributeView.class) {
            v = new Xattrs(path, follow);
        } else if (type == ComposefsFileAttributeView.class) {
            v = new Composefs(path, follow);
        } else {
            return null;
        }
        return (V) v;
    }

    /** The basic, owner and POSIX views (one class; the name says which was asked for). */
    static final class Posix implements PosixFileAttributeView {
        private final CfsPath path;
        private final boolean follow;
        private final String name;

        Posix(CfsPath path, boolean follow, String name) {
            this.path = path;
            this.follow = follow;
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CfsFileAttributes readAttributes() throws IOException {
            return path.getFileSystem().attributes(path, follow);
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime) {
            throw path.getFileSystem().readOnly();
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return readAttributes().owner();
        }

        @Override
        public void setOwner(UserPrincipal owner) {
            throw path.getFileSystem().readOnly();
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) {
            throw path.getFileSystem().readOnly();
        }

        @Override
        public void setGroup(GroupPrincipal group) {
            throw path.getFileSystem().readOnly();
        }
    }

    /** The {@code user} view: the {@code user.*} xattrs, names without the prefix, as the JDK shows them on Linux. */
    static final class User implements UserDefinedFileAttributeView {
        private static final String PREFIX = "user.";
        private final CfsPath path;
        private final boolean follow;

        User(CfsPath path, boolean follow) {
            this.path = path;
            this.follow = follow;
        }

        @Override
        public String name() {
            return "user";
        }

        @Override
        public List<String> list() throws IOException {
            List<String> names = new ArrayList<>();
            for (Xattr x : path.getFileSystem().xattrs(path, follow)) {
                String n = x.name().toString();
                if (n.startsWith(PREFIX)) {
                    names.add(n.substring(PREFIX.length()));
                }
            }
            return names;
        }

        private Xattr find(String name) throws IOException {
            return Xattrs.find(path, follow, PREFIX + java.util.Objects.requireNonNull(name, "name"));
        }

        @Override
        public int size(String name) throws IOException {
            return find(name).valueLength();
        }

        @Override
        public int read(String name, ByteBuffer dst) throws IOException {
            java.util.Objects.requireNonNull(dst, "dst");
            Xattr x = find(name);
            if (dst.remaining() < x.valueLength()) {
                throw new FileSystemException(path.toString(), null, "Numerical result out of range: xattr "
                        + name + " has " + x.valueLength() + " bytes, the buffer " + dst.remaining());
            }
            dst.put(x.value());
            return x.valueLength();
        }

        @Override
        public int write(String name, ByteBuffer src) {
            throw path.getFileSystem().readOnly();
        }

        @Override
        public void delete(String name) {
            throw path.getFileSystem().readOnly();
        }
    }

    /** The {@code xattr} view: every xattr by full name. */
    static final class Xattrs implements XattrFileAttributeView {
        private final CfsPath path;
        private final boolean follow;

        Xattrs(CfsPath path, boolean follow) {
            this.path = path;
            this.follow = follow;
        }

        @Override
        public String name() {
            return "xattr";
        }

        @Override
        public List<String> list() throws IOException {
            List<String> names = new ArrayList<>();
            for (Xattr x : path.getFileSystem().xattrs(path, follow)) {
                names.add(x.name().toString());
            }
            return names;
        }

        @Override
        public byte[] read(String name) throws IOException {
            return find(path, follow, name).value();
        }

        static Xattr find(CfsPath path, boolean follow, String name) throws IOException {
            byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
            for (Xattr x : path.getFileSystem().xattrs(path, follow)) {
                if (x.name().contentEquals(wanted, 0, wanted.length)) {
                    return x;
                }
            }
            throw new FileSystemException(path.toString(), null, "No data available: no xattr " + name);
        }
    }

    /** The {@code composefs} view: where the content is. */
    static final class Composefs implements ComposefsFileAttributeView {
        private final CfsPath path;
        private final boolean follow;

        Composefs(CfsPath path, boolean follow) {
            this.path = path;
            this.follow = follow;
        }

        @Override
        public String name() {
            return "composefs";
        }

        @Override
        public ComposefsAttributes readAttributes() throws IOException {
            Content c = path.getFileSystem().contentOrNull(path, follow);
            if (c instanceof Content.Backing b) {
                return new ComposefsAttributes(new String(b.path(), StandardCharsets.UTF_8), b.expectedDigest(), false);
            }
            return new ComposefsAttributes(null, null, c instanceof Content.Inline);
        }
    }
}
