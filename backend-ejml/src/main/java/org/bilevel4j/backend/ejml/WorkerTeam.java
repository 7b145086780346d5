package org.bilevel4j.backend.ejml;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * The caller's thread and a fixed team of daemon workers that run the pieces of one job together: each thread
 * claims the next piece not yet taken until none is left, and the caller returns when every piece is done.
 *
 * <p><b>Why not a {@code ForkJoinPool}.</b> A large product of this backend takes 0.05–5 ms, and consecutive ones
 * are separated by microseconds of element-wise work (a step of gradient descent, of conjugate gradients). A pool's
 * idle worker parks at once, and on a two-core virtual machine it took 26–204 µs (median) to start a piece handed to
 * it, up to 1.1 ms at the 90th percentile: a tenth of a d = 200 gradient, and at worst a call that runs on one core.
 * Here (1) a worker that has finished a job spins for {@link #spinNanos()} before it parks, so the next job finds it
 * awake (as OpenBLAS's threads do), and (2) pieces are claimed, not assigned, so a worker that is late takes only
 * what is left and delays the caller by at most the piece it is running.
 *
 * <p><b>Results do not depend on the schedule</b> as long as each piece writes only its own outputs: which thread
 * runs a piece changes nothing in it.
 *
 * <p>One job at a time: a job submitted while another runs (from another thread, or from inside a piece) runs all
 * its pieces on its caller's thread. Thread-safe.
 */
final class WorkerTeam {
    /** System property: how long an idle worker spins before it parks, in µs (default 200; 0 parks at once). */
    static final String SPIN_PROPERTY = "bilevel4j.ejml.spinMicros";

    static final long DEFAULT_SPIN_MICROS = 200;

    private final Thread[] workers;
    private final long spinNanos;
    private final AtomicBoolean busy = new AtomicBoolean();
    /** The job being run, or null between jobs (so that a finished job's arrays can be collected). */
    private volatile Job current;
    /** The number of jobs handed to the workers so far (written only by the caller that holds {@link #busy}). */
    private long submitted;
    /** Per worker: whether it is parked, or about to be (then it reads {@link #current} once more first). */
    private final AtomicInteger[] parked;

    /**
     * @param workers   the number of worker threads (the caller makes one more)
     * @param spinNanos how long an idle worker spins before it parks
     * @param name      the workers' name prefix
     */
    WorkerTeam(int workers, long spinNanos, String name) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers: expected ≥ 0, got " + workers);
        }
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spinNanos: expected ≥ 0, got " + spinNanos);
        }
        this.spinNanos = spinNanos;
        this.workers = new Thread[workers];
        this.parked = new AtomicInteger[workers];
        for (int i = 0; i < workers; i++) {
            parked[i] = new AtomicInteger();
            int id = i;
            Thread t = new Thread(() -> work(id), name + (i + 1));
            t.setDaemon(true);
            this.workers[i] = t;
        }
        for (Thread t : this.workers) {
            t.start();
        }
    }

    /** @return the threads a job can use, the caller's included */
    int threads() {
        return workers.length + 1;
    }

    /** @return how long an idle worker spins before it parks, in nanoseconds */
    long spinNanos() {
        return spinNanos;
    }

    /**
     * Runs {@code piece.accept(p)} for every p in [0, pieces), on this thread and the team's, and returns when all
     * are done. The first exception thrown by a piece is rethrown here (pieces not yet started are then skipped).
     */
    void run(int pieces, IntConsumer piece) {
        if (pieces <= 0) {
            return;
        }
        if (pieces == 1 || workers.length == 0 || !busy.compareAndSet(false, true)) {
            for (int p = 0; p < pieces; p++) {
                piece.accept(p);
            }
            return;
        }
        Job job = new Job(++submitted, pieces, piece);
        try {
            current = job;
            for (int i = 0; i < workers.length; i++) {
                if (parked[i].get() != 0) {
                    LockSupport.unpark(workers[i]);
                }
            }
            job.runPieces();
            job.awaitDone(spinNanos);
        } finally {
            current = null;
            busy.set(false);
        }
        Throwable failure = job.failure.get();
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException("a piece failed", failure);
        }
    }

    private void work(int id) {
        long last = 0;
        long idleSince = System.nanoTime();
        while (true) {
            Job job = current;
            if (job != null && job.seq != last) {
                last = job.seq;
                job.runPieces();
                idleSince = System.nanoTime();
            } else if (System.nanoTime() - idleSince < spinNanos) {
                Thread.onSpinWait();
            } else {
                parked[id].set(1);
                Job j = current;
                if (j == null || j.seq == last) {
                    LockSupport.park(this);
                }
                parked[id].set(0);
                idleSince = System.nanoTime();
            }
        }
    }

    private static final class Job {
        final long seq;
        final int pieces;
        final IntConsumer piece;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(long seq, int pieces, IntConsumer piece) {
            this.seq = seq;
            this.pieces = pieces;
            this.piece = piece;
        }

        void runPieces() {
            int p;
            while ((p = next.getAndIncrement()) < pieces) {
                try {
                    if (failure.get() == null) {
                        piece.accept(p);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.incrementAndGet();
                }
            }
        }

        /** Waits for the pieces other threads have claimed: they are running, so spin, then yield the core. */
        void awaitDone(long spinNanos) {
            long start = System.nanoTime();
            while (done.get() < pieces) {
                if (System.nanoTime() - start < spinNanos) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }
}
