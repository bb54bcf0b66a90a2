package dev.composefs.format.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class InodeMarksTest {

    @Property(tries = 200)
    void behavesLikeABitSet(@ForAll @Size(max = 200) java.util.List<@IntRange(max = 300_000) Integer> numbers) {
        InodeMarks marks = new InodeMarks(300_001);
        BitSet model = new BitSet();
        for (int n : numbers) {
            assertEquals(!model.get(n), marks.add(n), "add " + n);
            model.set(n);
        }
        for (int n = 0; n <= 300_000; n += 997) {
            assertEquals(model.get(n), marks.contains(n));
        }
        for (int n : numbers) {
            assertTrue(marks.contains(n));
        }
    }

    @Test
    void outsideTheLimit() {
        InodeMarks marks = new InodeMarks(10);
        assertFalse(marks.contains(-1));
        assertFalse(marks.contains(10));
        assertFalse(marks.contains(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> marks.add(10));
        assertThrows(IllegalArgumentException.class, () -> marks.add(-1));
        assertThrows(IllegalArgumentException.class, () -> new InodeMarks(-1));
        assertTrue(marks.add(9));
        assertFalse(new InodeMarks(0).contains(0));
    }

    @Test
    void exactlyOneRacerWinsEachNumber() {
        InodeMarks marks = new InodeMarks(1 << 18);
        AtomicInteger wins = new AtomicInteger();
        IntStream.range(0, 8).parallel().forEach(t -> {
            for (int n = 0; n < 1 << 18; n += 3) {
                if (marks.add(n)) {
                    wins.incrementAndGet();
                }
            }
        });
        assertEquals(((1 << 18) + 2) / 3, wins.get());
    }
}
