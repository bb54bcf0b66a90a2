package dev.composefs.nio;

import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.nio.charset.StandardCharsets;

/** Small trees in memory, for tests that need no objects on disk. */
final class SampleTrees {
    private SampleTrees() {
    }

    /** A descriptor-shaped tree (backing paths, no inline content) with a symlink, a device and xattrs. */
    static Tree descriptorSample() {
        Inode root = new Inode(0040755);
        Inode etc = new Inode(0040755);
        etc.xattrs().add(Xattr.of("user.k", "v".getBytes(StandardCharsets.UTF_8)));
        etc.addChild(Name.of("f"), new Inode(0100644).size(5).payload("ab/cdef".getBytes(StandardCharsets.US_ASCII)));
        root.addChild(Name.of("etc"), etc);
        root.addChild(Name.of("l"), new Inode(0120777).payload("etc/f".getBytes(StandardCharsets.US_ASCII)).size(5));
        root.addChild(Name.of("null"), new Inode(0020666).rdev(259));
        return new Tree(root);
    }
}
