package org.bilevel4j.api.backend;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Native-memory accounting for backends whose storages hold memory outside the Java heap (DJL, TensorFlow).
 *
 * <p>The garbage collector sees only the small Java objects that own native buffers, not the buffers, so a
 * program that drops many large results can exhaust native memory while the heap looks empty. A backend therefore
 * {@link #register registers} every storage it returns together with the number of native bytes it holds; the
 * governor counts the storages and bytes that are alive (registered and not yet found unreachable) and, through
 * one shared {@link Cleaner}, runs the backend's release action and uncounts them once a storage becomes
 * unreachable. It also counts <em>scratch</em> bytes: intermediate results a kernel created and dropped, which
 * wait for a collection as well.
 *
 * <p><b>When it asks for a collection.</b> When live plus scratch bytes exceed the threshold, the governor calls
 * {@link System#gc()}, at most once per interval; the interval starts at 100 ms and doubles at each collection
 * while the total stays above the threshold (up to 10 s), because if the data really in use exceed the threshold,
 * collecting cannot help and would only thrash. It falls back to 100 ms as soon as a registration finds the total
 * below the threshold. Scratch bytes are reset at each collection. A threshold of 0 or less disables collections
 * (the counting goes on).
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. The counters are atomic; the time of the
 * last collection and the interval are volatile and updated without a lock, so two threads crossing the
 * threshold at the same moment may both ask for a collection (harmless). Release actions run on the cleaner's
 * thread.
 */
public final class NativeMemoryGovernor {
    /** One daemon thread for the release actions of every governor. */
    private static final Cleaner CLEANER = Cleaner.create();
    private static final long MIN_COLLECTION_INTERVAL_NANOS = 100_000_000L;
    private static final long MAX_COLLECTION_INTERVAL_NANOS = 10_000_000_000L;

    private final long thresholdBytes;
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicLong scratchBytes = new AtomicLong();
    private final AtomicLong collections = new AtomicLong();
    /** Time of the last collection; starts far enough back for the first crossing to collect at once. */
    private volatile long lastCollection = System.nanoTime() - MAX_COLLECTION_INTERVAL_NANOS;
    /** Minimum time between collections: doubles while the total stays above the threshold. */
    private volatile long collectionInterval = MIN_COLLECTION_INTERVAL_NANOS;

    /**
     * @param thresholdBytes live plus scratch bytes above which a collection is requested; 0 or less disables
     *                       collections
     */
    public NativeMemoryGovernor(long thresholdBytes) {
        this.thresholdBytes = thresholdBytes;
    }

    /**
     * Counts a new storage and arranges for {@code release} to run, and the storage to be uncounted, once
     * {@code owner} is unreachable; then asks for a collection if the total is above the threshold.
     *
     * @param owner        the storage handed to callers; the release action must not refer to it (or it would
     *                     never become unreachable)
     * @param bytes        the native bytes it holds, at least 0
     * @param scratchBytes bytes of intermediate results the kernel created and dropped, at least 0
     * @param release      frees the native memory (may do nothing where the native library frees it itself)
     */
    public void register(Object owner, long bytes, long scratchBytes, Runnable release) {
        if (bytes < 0 || scratchBytes < 0) {
            throw new IllegalArgumentException("bytes, scratchBytes: expected at least 0, got " + bytes + ", "
                    + scratchBytes);
        }
        created.incrementAndGet();
        live.incrementAndGet();
        long liveNow = liveBytes.addAndGet(bytes);
        CLEANER.register(owner, new Release(bytes, release, live, liveBytes));
        long scratch = scratchBytes > 0 ? this.scratchBytes.addAndGet(scratchBytes) : this.scratchBytes.get();
        if (thresholdBytes > 0 && liveNow + scratch > thresholdBytes) {
            long now = System.nanoTime();
            if (now - lastCollection > collectionInterval) {
                collectionInterval = Math.min(2 * collectionInterval, MAX_COLLECTION_INTERVAL_NANOS);
                lastCollection = now;
                this.scratchBytes.set(0);
                collections.incrementAndGet();
                System.gc();
            }
        } else if (collectionInterval != MIN_COLLECTION_INTERVAL_NANOS) {
            collectionInterval = MIN_COLLECTION_INTERVAL_NANOS;
        }
    }

    /** The cleaning action: holds the counters and the backend's release, never the owner. */
    private static final class Release implements Runnable {
        private final long bytes;
        private final Runnable release;
        private final AtomicLong live;
        private final AtomicLong liveBytes;

        Release(long bytes, Runnable release, AtomicLong live, AtomicLong liveBytes) {
            this.bytes = bytes;
            this.release = release;
            this.live = live;
            this.liveBytes = liveBytes;
        }

        @Override
        public void run() {
            try {
                release.run();
            } finally {
                live.decrementAndGet();
                liveBytes.addAndGet(-bytes);
            }
        }
    }

    /** @return the threshold in bytes (0 or less: collections disabled) */
    public long thresholdBytes() {
        return thresholdBytes;
    }

    /** @return storages registered so far */
    public long created() {
        return created.get();
    }

    /** @return storages registered and not yet released */
    public long live() {
        return live.get();
    }

    /** @return native bytes of those storages */
    public long liveBytes() {
        return liveBytes.get();
    }

    /** @return how many times the governor called {@link System#gc()} */
    public long collections() {
        return collections.get();
    }
}
