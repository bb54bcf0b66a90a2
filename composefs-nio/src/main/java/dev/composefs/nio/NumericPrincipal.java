package dev.composefs.nio;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;

/**
 * A user or group known only by number, as an image stores them: its name is the decimal id. An image
 * is read on machines whose user databases differ from the one it was built on, so names are not
 * looked up.
 */
sealed class NumericPrincipal implements UserPrincipal permits NumericPrincipal.Group {
    private final long id;

    NumericPrincipal(long id) {
        this.id = id;
    }

    /** A group principal. */
    static final class Group extends NumericPrincipal implements GroupPrincipal {
        Group(long id) {
            super(id);
        }
    }

    long id() {
        return id;
    }

    @Override
    public String getName() {
        return Long.toString(id);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((NumericPrincipal) o).id == id;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(id) * (this instanceof Group ? 31 : 17);
    }

    @Override
    public String toString() {
        return getName();
    }
}
