package dev.composefs.nio;

import dev.composefs.format.image.ImageView;
import dev.composefs.verity.FsVerityDigest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys of the {@code env} map a {@code cfs:} file system is opened with, and their parsing: the
 * one place options are read. Values may be strings (as in a mount option) or typed objects.
 *
 * <table>
 * <caption>cfs: environment keys</caption>
 * <tr><th>key</th><th>values</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@value #BASEDIR}</td><td>{@code "dir1:dir2"}, a {@link Path}, a collection of Paths or strings</td>
 *     <td>none</td><td>object directories searched in order for backing files; Paths of any provider</td></tr>
 * <tr><td>{@value #DIGEST}</td><td>{@code "sha256:<hex>"}, hex, or an {@link FsVerityDigest}</td><td>none</td>
 *     <td>the image's expected fs-verity digest, checked at open; implies {@code verity=require}</td></tr>
 * <tr><td>{@value #VERITY}</td><td>{@code none}, {@code if-present}, {@code require}, or a {@link VerityMode}</td>
 *     <td>{@code if-present}</td><td>when backing files are checked against their expected digests</td></tr>
 * <tr><td>{@value #VIEW}</td><td>{@code mounted}, {@code raw}, or an {@link ImageView}</td><td>{@code mounted}</td>
 *     <td>for EROFS images: what a composefs mount shows, or the EROFS tree as stored</td></tr>
 * <tr><td>{@value #MAX_OPEN_FILES}</td><td>a positive integer, as a string or a {@link Number}</td>
 *     <td>{@value #DEFAULT_MAX_OPEN_FILES}</td><td>how many channels and streams over files may be open at
 *     once; one more is refused with a {@link java.nio.file.FileSystemException} "Too many open files"
 *     naming the file, and closing one frees its slot</td></tr>
 * </table>
 * Other keys are ignored, as other providers' keys may share the map.
 */
public final class CfsOptions {
    /** Key of the base directories. */
    public static final String BASEDIR = "basedir";
    /** Key of the image's expected fs-verity digest. */
    public static final String DIGEST = "digest";
    /** Key of the verification mode. */
    public static final String VERITY = "verity";
    /** Key of the view of an EROFS image. */
    public static final String VIEW = "view";
    /** Key of the bound on files open at once. */
    public static final String MAX_OPEN_FILES = "maxOpenFiles";
    /** The bound on files open at once when {@value #MAX_OPEN_FILES} is not given. */
    public static final int DEFAULT_MAX_OPEN_FILES = 1024;

    private final List<Path> basedirs;
    private final FsVerityDigest digest;
    private final VerityMode verity;
    private final ImageView view;
    private final int maxOpenFiles;

    private CfsOptions(List<Path> basedirs, FsVerityDigest digest, VerityMode verity, ImageView view, int maxOpenFiles) {
        this.basedirs = basedirs;
        this.digest = digest;
        this.verity = verity;
        this.view = view;
        this.maxOpenFiles = maxOpenFiles;
    }

    /**
     * Reads {@code env}.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    static CfsOptions parse(Map<String, ?> env) {
        List<Path> basedirs = basedirs(env.get(BASEDIR));
        Object d = env.get(DIGEST);
        FsVerityDigest digest;
        if (d == null || d instanceof FsVerityDigest) {
            digest = (FsVerityDigest) d;
        } else {
            try {
                digest = FsVerityDigest.parse(d.toString());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + DIGEST + " option: " + e.getMessage(), e);
            }
        }
        Object v = env.get(VERITY);
        VerityMode verity = v == null ? VerityMode.IF_PRESENT : v instanceof VerityMode m ? m : VerityMode.of(v.toString());
        if (digest != null) {
            if (v != null && verity != VerityMode.REQUIRE) {
                throw new IllegalArgumentException("the " + DIGEST + " option requires verity=require, not " + verity.label());
            }
            verity = VerityMode.REQUIRE;
        }
        Object w = env.get(VIEW);
        ImageView view;
        if (w == null) {
            view = ImageView.MOUNTED;
        } else if (w instanceof ImageView given) {
            view = given;
        } else {
            try {
                view = ImageView.valueOf(w.toString().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid " + VIEW + " option '" + w + "': expected mounted or raw", e);
            }
        }
        return new CfsOptions(basedirs, digest, verity, view, maxOpenFiles(env.get(MAX_OPEN_FILES)));
    }

    private static int maxOpenFiles(Object value) {
        if (value == null) {
            return DEFAULT_MAX_OPEN_FILES;
        }
        long n;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            n = ((Number) value).longValue();
        } else if (value instanceof String s) {
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid " + MAX_OPEN_FILES + " option '" + s + "': expected a positive integer", e);
            }
        } else {
            throw new IllegalArgumentException("invalid " + MAX_OPEN_FILES + " option: " + value.getClass().getName()
                    + " (expected an integer or a string)");
        }
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("invalid " + MAX_OPEN_FILES + " option " + n + ": expected 1 to " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    private static List<Path> basedirs(Object value) {
        List<Path> dirs = new ArrayList<>();
        if (value == null) {
            return List.of();
        } else if (value instanceof Path p) {
            dirs.add(p);
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                dirs.add(o instanceof Path p ? p : Path.of(o.toString()));
            }
        } else if (value instanceof String s) {
            for (String part : s.split(":")) {
                if (!part.isEmpty()) {
                    dirs.add(Path.of(part));
                }
            }
        } else {
            throw new IllegalArgumentException("invalid " + BASEDIR + " option: " + value.getClass().getName()
                    + " (expected a Path, a collection of Paths, or a colon-separated string)");
        }
        return List.copyOf(dirs);
    }

    List<Path> basedirs() {
        return basedirs;
    }

    FsVerityDigest digest() {
        return digest;
    }

    VerityMode verity() {
        return verity;
    }

    ImageView view() {
        return view;
    }

    int maxOpenFiles() {
        return maxOpenFiles;
    }
}
