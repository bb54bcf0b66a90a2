/**
 * The composefs on-disk formats: the tree model and its sources, the dump text format, the original
 * descriptor format (CFS_VERSION 1), the EROFS format of composefs 1.x, and the object store.
 */
module dev.composefs.format {
    requires transitive dev.composefs.verity;
    requires org.slf4j;
    requires com.sun.jna;

    exports dev.composefs.format.descriptor;
    exports dev.composefs.format.image;
    exports dev.composefs.format.tree;
    exports dev.composefs.format.tree.source;
    exports dev.composefs.format.store;
    exports dev.composefs.format.dump;
    exports dev.composefs.format.erofs;
}
