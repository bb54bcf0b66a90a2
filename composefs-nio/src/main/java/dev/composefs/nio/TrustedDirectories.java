package dev.composefs.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which directories of the default file system only this process's user and root can change: the
 * directory and every one above it is owned by one of them and writable by neither its group nor
 * others (the rule OpenSSH applies to the directories above its key files, without exceptions for
 * sticky directories). Nobody else can then rename, replace or add a name in such a directory, so an
 * object found there is not swapped for a fifo between its check and its open by a third party.
 *
 * <p>Answers are remembered per directory, at most {@value #MAX_REMEMBERED} of them (an object store
 * fans out into 256), and a directory's ancestors are checked once for all their descendants. A
 * directory whose owner or mode cannot be read is not trusted, nor is anything when this process's
 * user cannot be found out ({@code /proc/self} is missing).
 */
final class TrustedDirectories {
    private static final int MAX_REMEMBERED = 4096;
    private static final int GROUP_OR_OTHER_WRITE = 0022;

    private final int uid;
    private final Map<Path, Boolean> known = new ConcurrentHashMap<>();

    /** A checker for this process's user. */
    TrustedDirectories() {
        this(processUid());
    }

    /** A checker for user {@code uid}; a negative {@code uid} trusts nothing. */
    TrustedDirectories(int uid) {
        this.uid = uid;
    }

    private static int processUid() {
        try {
            // /proc/self is owned by the process's effective user.
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Whether {@code dir}, an absolute path without symlinks, and all directories above it are trusted. */
    boolean trusted(Path dir) {
        if (uid < 0 || dir == null) {
            return false;
        }
        Boolean answer = known.get(dir);
        if (answer == null) {
            Path parent = dir.getParent();
            answer = safe(dir) && (parent == null || trusted(parent));
            if (known.size() >= MAX_REMEMBERED) {
                known.clear();
            }
            known.put(dir, answer);
        }
        return answer;
    }

    private boolean safe(Path dir) {
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
            int owner = (Integer) a.get("uid");
            int mode = (Integer) a.get("mode");
            boolean directory = (mode & 0170000) == 0040000;
            return directory && (owner == 0 || owner == uid) && (mode & GROUP_OR_OTHER_WRITE) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
