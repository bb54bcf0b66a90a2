package dev.composefs.nio;

import java.util.Locale;

/**
 * When the content of a file with external content is checked against its fs-verity digest: the
 * {@code verity} option of a {@code cfs:} file system, after mount.composefs's {@code verity_check}.
 */
public enum VerityMode {
    /** Never: objects are read as they are. */
    NONE("none"),
    /** When the image gives the file an expected digest (the default). */
    IF_PRESENT("if-present"),
    /** Always: a file without an expected digest cannot be read. Implied by the {@code digest} option. */
    REQUIRE("require");

    private final String label;

    VerityMode(String label) {
        this.label = label;
    }

    /** The option value: {@code none}, {@code if-present} or {@code require}. */
    public String label() {
        return label;
    }

    /**
     * The mode named {@code label}.
     *
     * @throws IllegalArgumentException for any other value
     */
    public static VerityMode of(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        for (VerityMode m : values()) {
            if (m.label.equals(l)) {
                return m;
            }
        }
        throw new IllegalArgumentException("invalid verity mode '" + label + "': expected none, if-present or require");
    }
}
