package dev.composefs.format.image;

import dev.composefs.format.tree.FileType;
import java.io.IOException;

/** Reads every answer an image can give: each inode's stat, xattrs and content, every directory entry and lookup. */
public final class ImageWalk {
    private ImageWalk() {
    }

    /** Walks {@code image} entirely, then reads it as a tree; returns the number of directory entries seen. */
    public static long everything(Image image) throws IOException {
        long entries = 0;
        for (long ino = 0; ino < image.inodeCount(); ino++) {
            Stat st = image.stat(ino);
            image.xattrs(ino);
            FileType type = st.type();
            if (type == FileType.REGULAR) {
                image.content(ino);
            } else if (type == FileType.SYMLINK) {
                image.readSymlink(ino);
            } else if (type == FileType.DIRECTORY) {
                DirectoryCursor c = image.openDirectory(ino);
                while (c.next()) {
                    entries++;
                    byte[] name = new byte[c.nameLength() + 2];
                    c.copyName(name, 1);
                    if (image.lookup(ino, name, 1, c.nameLength()) != c.inode()) {
                        throw new AssertionError("lookup of a listed name in inode " + ino + " disagrees with the cursor");
                    }
                    name[c.nameLength() + 1] = (byte) 0xff;
                    image.lookup(ino, name, 1, c.nameLength() + 1);
                    image.lookup(ino, name, 0, 1);
                }
            }
        }
        ImageTree.read(image);
        return entries;
    }
}
