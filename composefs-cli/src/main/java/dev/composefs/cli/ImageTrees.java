package dev.composefs.cli;

import dev.composefs.format.image.Image;
import dev.composefs.format.image.ImageTree;
import dev.composefs.format.tree.Inode;
import dev.composefs.format.tree.Name;
import dev.composefs.format.tree.Tree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Loads an image file as a tree, as the reference tools do before listing or rewriting it. */
final class ImageTrees {
    private ImageTrees() {
    }

    /**
     * The tree of the image at {@code file}; with {@code topLevel} non-empty, only those entries of the
     * root (the {@code --filter} of {@code composefs-info}).
     */
    static Tree load(Path file, List<String> topLevel) throws IOException {
        Tree tree;
        try (Image image = Image.open(file)) {
            tree = ImageTree.read(image);
        }
        if (!topLevel.isEmpty()) {
            Set<Name> keep = new HashSet<>();
            for (String s : topLevel) {
                keep.add(Name.of(s.getBytes(StandardCharsets.UTF_8)));
            }
            Inode root = tree.root();
            for (Name n : List.copyOf(root.children().keySet())) {
                if (!keep.contains(n)) {
                    root.removeChild(n);
                }
            }
        }
        return tree;
    }
}
