package dev.composefs.format.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelIoTest {
    @Test
    void resultsComeInTaskOrderWhateverTheThreadCount() throws IOException {
        List<ParallelIo.IoTask<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int v = i;
            tasks.add(() -> v * v);
        }
        for (int threads : new int[] {1, 2, 7}) {
            List<Integer> out = ParallelIo.runAll(tasks, threads, "test");
            for (int i = 0; i < 100; i++) {
                assertEquals(i * i, out.get(i));
            }
        }
    }

    @Test
    void theFirstFailureInTaskOrderIsThrownUnwrappedAndNoTaskRunsAfterwards() {
        IOException first = new IOException("first");
        AtomicInteger running = new AtomicInteger();
        List<ParallelIo.IoTask<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int v = i;
            tasks.add(() -> {
                running.incrementAndGet();
                try {
                    if (v == 10) {
                        throw first;
                    }
                    if (v == 20) {
                        throw new IOException("second");
                    }
                    return v;
                } finally {
                    running.decrementAndGet();
                }
            });
        }
        IOException e = assertThrows(IOException.class, () -> ParallelIo.runAll(tasks, 4, "test"));
        assertSame(first, e);
        assertEquals(0, running.get(), "every started task has finished when runAll returns");
    }

    @Test
    void runtimeExceptionsPassThroughAndThreadsMustBePositive() {
        List<ParallelIo.IoTask<Integer>> tasks = List.of(() -> 1, () -> {
            throw new IllegalStateException("boom");
        });
        assertThrows(IllegalStateException.class, () -> ParallelIo.runAll(tasks, 2, "test"));
        assertThrows(IllegalArgumentException.class, () -> ParallelIo.runAll(tasks, 0, "test"));
    }
}
