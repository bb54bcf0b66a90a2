package dev.composefs.format.erofs;

import dev.composefs.format.tree.FileType;
import dev.composefs.format.tree.Tree;
import dev.composefs.format.tree.Xattr;
import java.util.List;

/** What tests of EROFS images need to know about generated trees. */
public final class ErofsTrees {
    private ErofsTrees() {
    }

    /**
     * Trees the image cannot reproduce: the writer replaces a user's own whiteout and opaque marker
     * xattrs where it sets its markers (on whiteouts and their directories), and an empty regular file
     * carrying both whiteout markers reads back as a whiteout.
     */
    public static boolean lossy(Tree tree) {
        boolean[] lossy = {false};
        tree.walk((p, n) -> {
            boolean whiteout = n.type() == FileType.CHAR_DEVICE && n.rdev() == 0;
            boolean whiteoutParent = n.isDirectory()
                    && n.children().values().stream().anyMatch(c -> c.type() == FileType.CHAR_DEVICE && c.rdev() == 0);
            for (Xattr x : n.xattrs()) {
                String name = x.name().toString();
                if ((whiteout || n.type() == FileType.REGULAR) && (name.equals("trusted.overlay.whiteout") || name.equals("user.overlay.whiteout"))) {
                    lossy[0] = true;
                }
                if ((whiteoutParent || n.isDirectory()) && List.of("trusted.overlay.whiteouts", "user.overlay.whiteouts",
                        "trusted.overlay.opaque", "user.overlay.opaque").contains(name) && (whiteoutParent || name.endsWith("whiteouts"))) {
                    lossy[0] = true;
                }
            }
        });
        return lossy[0];
    }
}
