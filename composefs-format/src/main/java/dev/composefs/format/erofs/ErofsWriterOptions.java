package dev.composefs.format.erofs;

/**
 * How {@link ErofsWriter} chooses the composefs format version, like {@code mkcomposefs
 * --min-version/--max-version}.
 *
 * <p>The image is written as {@code minVersion}, raised to 1 when {@code minVersion < 1 <= maxVersion}
 * and the tree contains a whiteout (a character device with rdev 0): version 1 marks the parents of
 * whiteouts opaque ({@code trusted.overlay.overlay.opaque=x}), which overlayfs needs to use the image as
 * a lower layer. A version-0 image with whiteouts lacks that marking.
 *
 * @param minVersion the lowest format version to write, 0 or 1
 * @param maxVersion the highest format version the writer may choose, at least {@code minVersion}, at most 1
 */
public record ErofsWriterOptions(int minVersion, int maxVersion) {
    /** The highest composefs format version this writer knows. */
    public static final int LATEST_VERSION = 1;

    /** What {@code mkcomposefs} does without version options: min 0, max 1. */
    public static final ErofsWriterOptions DEFAULT = new ErofsWriterOptions(0, 1);

    /**
     * Validates the range.
     *
     * @throws IllegalArgumentException if a version is outside 0..{@value #LATEST_VERSION} or min exceeds max
     */
    public ErofsWriterOptions {
        if (minVersion < 0 || minVersion > LATEST_VERSION || maxVersion < 0 || maxVersion > LATEST_VERSION) {
            throw new IllegalArgumentException("composefs format versions are 0.." + LATEST_VERSION
                    + ", got min " + minVersion + ", max " + maxVersion);
        }
        if (minVersion > maxVersion) {
            throw new IllegalArgumentException("min version " + minVersion + " exceeds max version " + maxVersion);
        }
    }

    /** Options writing exactly {@code version}: min = max = version. */
    public static ErofsWriterOptions exactly(int version) {
        return new ErofsWriterOptions(version, version);
    }
}
