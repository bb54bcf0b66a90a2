package dev.composefs.format.tree.source;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Xattr;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;

/**
 * The fallback when JNA is unavailable: {@code user.*} xattrs through the JDK's
 * {@link UserDefinedFileAttributeView}. Linux allows user xattrs only on regular files and
 * directories, and the JDK opens the file to read them (which would block on a FIFO), so other types
 * are not asked. The JDK hands out names as strings decoded with {@code sun.jnu.encoding}; names
 * outside ASCII may therefore not survive exactly.
 */
final class UserViewXattrReader implements XattrReader {
    private static final String USER = "user.";

    @Override
    public List<Xattr> read(byte[] rawPath, Path file, FileType type, boolean userOnly) throws IOException {
        List<Xattr> out = new ArrayList<>();
        if (type != FileType.REGULAR && type != FileType.DIRECTORY) {
            return out;
        }
        UserDefinedFileAttributeView view = Files.getFileAttributeView(file, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return out;
        }
        for (String name : view.list()) {
            ByteBuffer buf = ByteBuffer.allocate(view.size(name));
            view.read(name, buf);
            buf.flip();
            byte[] value = new byte[buf.remaining()];
            buf.get(value);
            out.add(Xattr.of(Name.of((USER + name).getBytes(StandardCharsets.UTF_8)), value));
        }
        return out;
    }
}
