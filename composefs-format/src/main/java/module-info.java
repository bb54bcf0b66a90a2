/**
 * The composefs on-disk formats, in the order data flows through them: the tree model and its sources
 * (a directory, a dump file), the dump text format, the image writers and readers of the original
 * descriptor format (CFS_VERSION 1) and of the EROFS format of composefs 1.x, the one read interface
 * both readers implement, and the object store.
 */
module dev.composefs.format {
    requires transitive dev.composefs.verity;
    requires org.slf4j;
    requires com.sun.jna;

    exports dev.composefs.format.tree;
    exports dev.composefs.format.tree.source;
    exports dev.composefs.format.dump;
    exports dev.composefs.format.descriptor;
    exports dev.composefs.format.erofs;
    exports dev.composefs.format.image;
    exports dev.composefs.format.store;
}
