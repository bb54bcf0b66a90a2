package dev.composefs.format.tree.source;

import dev.composefs.format.internal.ParallelIo;
import dev.composefs.format.store.ObjectStore;
import java.util.Objects;

/**
 * How {@link DirectoryScanner} turns a directory into a tree; the {@code mkcomposefs} flags.
 * Immutable; start from {@link #defaults()} and change fields with the {@code with…} methods.
 *
 * @param useEpoch        store mtime and ctime 0 ({@code --use-epoch})
 * @param skipXattrs      store no xattrs ({@code --skip-xattrs})
 * @param userXattrsOnly  store only {@code user.*} xattrs ({@code --user-xattrs})
 * @param skipDevices     leave out character and block devices ({@code --skip-devices})
 * @param hardlinks       keep hard links: names sharing (device, inode) become one {@code Inode} whose
 *                        nlink counts its names in the tree. Off by default: like the reference tools,
 *                        each name then becomes its own inode with nlink 1
 * @param payloadMode     what a regular file's payload is
 * @param computeDigests  store each regular file's fs-verity digest ({@code --compute-digest});
 *                        implied by {@link PayloadMode#DIGEST_PATH}
 * @param inlineThreshold regular files of 1 to this many bytes get their content inline instead of a
 *                        payload; 0 never inlines (the descriptor format cannot), the EROFS
 *                        {@code mkcomposefs} uses {@link #EROFS_INLINE_THRESHOLD}
 * @param threads         threads for hashing and copying file content
 * @param digestStore     an object store to copy every non-empty, non-inline regular file into
 *                        ({@code --digest-store}), or {@code null}; requires
 *                        {@link PayloadMode#DIGEST_PATH}
 */
public record ScanOptions(boolean useEpoch, boolean skipXattrs, boolean userXattrsOnly, boolean skipDevices,
                          boolean hardlinks, PayloadMode payloadMode, boolean computeDigests, int inlineThreshold,
                          int threads, ObjectStore digestStore) {
    /** The inline threshold of the EROFS {@code mkcomposefs} (composefs 1.x): files of up to 64 bytes. */
    public static final int EROFS_INLINE_THRESHOLD = 64;
    /** The largest inline content any composefs reader accepts (the C reader's limit). */
    public static final int MAX_INLINE_THRESHOLD = 5000;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if the inline threshold is outside 0 to
     *                                  {@value #MAX_INLINE_THRESHOLD}, threads is below 1, or a digest
     *                                  store is given with a payload mode other than digest paths
     */
    public ScanOptions {
        Objects.requireNonNull(payloadMode, "payloadMode");
        if (inlineThreshold < 0 || inlineThreshold > MAX_INLINE_THRESHOLD) {
            throw new IllegalArgumentException("inline threshold must be 0 to " + MAX_INLINE_THRESHOLD + ": " + inlineThreshold);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (digestStore != null && payloadMode != PayloadMode.DIGEST_PATH) {
            throw new IllegalArgumentException("a digest store needs payload mode DIGEST_PATH, not " + payloadMode);
        }
    }

    /**
     * The defaults of the descriptor-era {@code mkcomposefs}: real times, all xattrs, devices kept, no
     * hard links, relative payloads, no digests, no inlining, one thread per processor, no store.
     */
    public static ScanOptions defaults() {
        return new ScanOptions(false, false, false, false, false, PayloadMode.RELATIVE_PATH, false, 0,
                ParallelIo.defaultThreads(), null);
    }

    /** Whether each regular file's fs-verity digest is computed and stored. */
    public boolean storesDigests() {
        return computeDigests || payloadMode == PayloadMode.DIGEST_PATH;
    }

    /** These options with {@code useEpoch} changed. */
    public ScanOptions withUseEpoch(boolean v) {
        return new ScanOptions(v, skipXattrs, userXattrsOnly, skipDevices, hardlinks, payloadMode, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code skipXattrs} changed. */
    public ScanOptions withSkipXattrs(boolean v) {
        return new ScanOptions(useEpoch, v, userXattrsOnly, skipDevices, hardlinks, payloadMode, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code userXattrsOnly} changed. */
    public ScanOptions withUserXattrsOnly(boolean v) {
        return new ScanOptions(useEpoch, skipXattrs, v, skipDevices, hardlinks, payloadMode, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code skipDevices} changed. */
    public ScanOptions withSkipDevices(boolean v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, v, hardlinks, payloadMode, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code hardlinks} changed. */
    public ScanOptions withHardlinks(boolean v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, v, payloadMode, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code payloadMode} changed. */
    public ScanOptions withPayloadMode(PayloadMode v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, hardlinks, v, computeDigests,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code computeDigests} changed. */
    public ScanOptions withComputeDigests(boolean v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, hardlinks, payloadMode, v,
                inlineThreshold, threads, digestStore);
    }

    /** These options with {@code inlineThreshold} changed. */
    public ScanOptions withInlineThreshold(int v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, hardlinks, payloadMode, computeDigests,
                v, threads, digestStore);
    }

    /** These options with {@code threads} changed. */
    public ScanOptions withThreads(int v) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, hardlinks, payloadMode, computeDigests,
                inlineThreshold, v, digestStore);
    }

    /**
     * These options with a digest store ({@code null}: none); a store also sets the payload mode to
     * {@link PayloadMode#DIGEST_PATH}.
     */
    public ScanOptions withDigestStore(ObjectStore store) {
        return new ScanOptions(useEpoch, skipXattrs, userXattrsOnly, skipDevices, hardlinks,
                store == null ? payloadMode : PayloadMode.DIGEST_PATH, computeDigests, inlineThreshold, threads, store);
    }
}
