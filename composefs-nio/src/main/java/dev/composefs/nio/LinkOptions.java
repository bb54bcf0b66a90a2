package dev.composefs.nio;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.util.Objects;

/** Reads the link options of a call: whether a final symlink is followed. */
final class LinkOptions {
    private LinkOptions() {
    }

    /** {@code false} if {@code options} holds {@link LinkOption#NOFOLLOW_LINKS}. */
    static boolean follow(LinkOption... options) {
        for (LinkOption o : options) {
            if (Objects.requireNonNull(o, "option") == LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }

    /** {@code false} if {@code options} holds {@link LinkOption#NOFOLLOW_LINKS}. */
    static boolean follow(Iterable<? extends OpenOption> options) {
        for (OpenOption o : options) {
            if (Objects.requireNonNull(o, "option") == LinkOption.NOFOLLOW_LINKS) {
                return false;
            }
        }
        return true;
    }
}
