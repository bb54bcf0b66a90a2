package dev.composefs.nio;

import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;

/** Looks principals up by number: {@code "0"} is uid or gid 0; names are not known. */
final class NumericPrincipalLookup extends UserPrincipalLookupService {
    @Override
    public UserPrincipal lookupPrincipalByName(String name) throws UserPrincipalNotFoundException {
        return new NumericPrincipal(parse(name));
    }

    @Override
    public GroupPrincipal lookupPrincipalByGroupName(String group) throws UserPrincipalNotFoundException {
        return new NumericPrincipal.Group(parse(group));
    }

    private static long parse(String name) throws UserPrincipalNotFoundException {
        java.util.Objects.requireNonNull(name, "name");
        try {
            long id = Long.parseLong(name);
            if (id >= 0 && id <= 0xffffffffL) {
                return id;
            }
        } catch (NumberFormatException e) {
            // not a number: reported below
        }
        throw new UserPrincipalNotFoundException(name);
    }
}
