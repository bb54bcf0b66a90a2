package dev.composefs.nio;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The backing object of a file is in none of the base directories searched.
 */
public final class MissingObjectException extends NoSuchFileException {
    private static final long serialVersionUID = 1L;

    /**
     * @param file          the file of the image whose content is missing
     * @param backingPath   the object's path relative to the base directories
     * @param basedirs      the base directories searched, in order
     */
    public MissingObjectException(String file, String backingPath, List<Path> basedirs) {
        super(file, null, "backing object " + backingPath + " not found in " + basedirs);
    }
}
