package dev.composefs.format.erofs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class NidSetTest {
    /** Adds answer as a HashSet's do, through every growth, for nids clustered (many repeats) or spread. */
    @Property(tries = 500)
    void agreesWithAHashSet(@ForAll @Size(max = 300) List<@LongRange(min = 0, max = 400) Long> clustered,
                            @ForAll @Size(max = 100) List<@LongRange(min = 0, max = Long.MAX_VALUE - 1) Long> spread) {
        NidSet set = new NidSet();
        Set<Long> expected = new HashSet<>();
        for (List<Long> nids : List.of(clustered, spread, clustered)) {
            for (long nid : nids) {
                assertEquals(expected.add(nid), set.add(nid), "add " + nid);
                assertEquals(expected.size(), set.size());
            }
        }
    }
}
