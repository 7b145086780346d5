package org.bilevel4j.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {
    private static final long SPIN = 200_000;

    @ParameterizedTest(name = "{0} workers")
    @ValueSource(ints = {0, 1, 3})
    void everyPieceRunsExactlyOnce(int workers) {
        WorkerTeam team = new WorkerTeam(workers, SPIN, "test-");
        assertEquals(workers + 1, team.threads());
        for (int pieces : new int[] {0, 1, 2, 3, 7, 64, 1000}) {
            for (int job = 0; job < 20; job++) {
                AtomicIntegerArray runs = new AtomicIntegerArray(pieces);
                team.run(pieces, runs::incrementAndGet);
                for (int p = 0; p < pieces; p++) {
                    assertEquals(1, runs.get(p), "piece " + p + " of " + pieces + ", job " + job);
                }
            }
        }
    }

    /** Two pieces that can only finish together: fails (instead of hanging) unless a worker runs one of them. */
    @ParameterizedTest(name = "spin {0} ns")
    @ValueSource(longs = {0, SPIN})
    void aWorkerTakesPartAfterSpinningOrParking(long spinNanos) throws InterruptedException {
        WorkerTeam team = new WorkerTeam(1, spinNanos, "test-");
        for (int job = 0; job < 50; job++) {
            if (job % 10 == 9) {
                Thread.sleep(20);   // long enough for the worker to park, even after spinning
            }
            CyclicBarrier both = new CyclicBarrier(2);
            team.run(2, p -> {
                try {
                    both.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException | BrokenBarrierException | TimeoutException e) {
                    throw new AssertionError("the second piece never ran beside the first: no worker took it", e);
                }
            });
        }
    }

    @Test
    void theFirstFailureReachesTheCallerAndTheTeamKeepsWorking() {
        WorkerTeam team = new WorkerTeam(2, SPIN, "test-");
        IllegalStateException boom = new IllegalStateException("boom");
        for (int failing = 0; failing < 8; failing++) {
            int f = failing;
            RuntimeException e = assertThrows(RuntimeException.class, () -> team.run(8, p -> {
                if (p == f) {
                    throw boom;
                }
            }));
            assertSame(boom, e, "piece " + failing);
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            team.run(8, runs::incrementAndGet);
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, toArray(runs), "after a failure in piece " + f);
        }
        AssertionError error = new AssertionError("error");
        assertSame(error, assertThrows(AssertionError.class, () -> team.run(3, p -> {
            throw error;
        })));
    }

    /** A job started from inside a piece, or while another caller's job runs, runs on its own caller's thread. */
    @Test
    void nestedAndConcurrentJobsComplete() throws Exception {
        WorkerTeam team = new WorkerTeam(1, SPIN, "test-");
        AtomicIntegerArray inner = new AtomicIntegerArray(4 * 5);
        team.run(4, p -> team.run(5, q -> inner.incrementAndGet(p * 5 + q)));
        for (int i = 0; i < inner.length(); i++) {
            assertEquals(1, inner.get(i), "inner piece " + i);
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                long base = c * 1_000_000L;
                results.add(callers.submit(() -> {
                    long[] sums = new long[200];
                    for (int job = 0; job < sums.length; job++) {
                        long[] out = new long[16];
                        team.run(out.length, p -> out[p] = base + p);
                        for (long v : out) {
                            sums[job] += v;
                        }
                    }
                    return sums;
                }));
            }
            for (int c = 0; c < 4; c++) {
                long want = 16 * c * 1_000_000L + 120;
                for (long s : results.get(c).get(60, TimeUnit.SECONDS)) {
                    assertEquals(want, s, "caller " + c);
                }
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void rejectsNegativeSizes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new WorkerTeam(-1, 0, "t"));
        assertTrue(e.getMessage().contains("workers") && e.getMessage().contains("-1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new WorkerTeam(1, -5, "t"));
        assertTrue(e.getMessage().contains("spinNanos") && e.getMessage().contains("-5"), e.getMessage());
    }

    private static int[] toArray(AtomicIntegerArray a) {
        int[] out = new int[a.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i);
        }
        return out;
    }
}
