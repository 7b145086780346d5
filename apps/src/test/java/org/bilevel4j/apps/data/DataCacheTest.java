package org.bilevel4j.apps.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The load-once registry: failures keep earlier entries, concurrent loads of a key run once. */
class DataCacheTest {
    @TempDir
    Path dir;

    @Test
    void aFailedLoadOfANewKeyLeavesTheLoadedEntriesIntact() throws IOException {
        IdxReader reader = new IdxReader();
        AtomicInteger loads = new AtomicInteger();
        DataCache<Path, IdxImages> cache = new DataCache<>(p -> {
            loads.incrementAndGet();
            return reader.readImages(p);
        });
        Path good = Files.write(dir.resolve("good"), IdxFiles.idx(new int[] {2, 2}, new byte[] {1, 2, 3, 4}));
        Path bad = Files.write(dir.resolve("bad"), IdxFiles.idx(new int[] {2, 2}, new byte[] {1, 2, 3}));

        IdxImages first = cache.get(good);
        DataFormatException e = assertThrows(DataFormatException.class, () -> cache.get(bad));
        assertTrue(e.getMessage().startsWith(bad + ": offset 12: "), e.getMessage());
        assertThrows(NoSuchFileException.class, () -> cache.get(dir.resolve("absent")));

        assertSame(first, cache.get(good));
        assertEquals(Optional.of(first), cache.getIfLoaded(good));
        assertEquals(Optional.empty(), cache.getIfLoaded(bad));
        assertEquals(Set.of(good), cache.loadedKeys());
        assertEquals(3, loads.get());
        assertEquals(4.0, first.value(1, 1));

        // a failure is not kept: once the file is fixed, the key loads
        Files.write(bad, IdxFiles.idx(new int[] {1, 1}, new byte[] {9}));
        assertEquals(9.0, cache.get(bad).value(0, 0));
        assertEquals(Set.of(good, bad), cache.loadedKeys());
        assertSame(first, cache.get(good));
    }

    @Test
    @Timeout(30)
    void concurrentGetsOfOneKeyLoadOnce() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        DataCache<String, Object> cache = new DataCache<>(k -> {
            loads.incrementAndGet();
            sleep(300);
            return new Object();
        });
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get("fashion-mnist");
                }));
            }
            start.countDown();
            Object first = results.get(0).get();
            for (Future<Object> f : results) {
                assertSame(first, f.get());
            }
            assertEquals(1, loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void differentKeysLoadInParallel() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        DataCache<String, String> cache = new DataCache<>(k -> {
            bothStarted.countDown();
            try {
                if (!bothStarted.await(10, TimeUnit.SECONDS)) {
                    throw new IOException("the other key's load did not start while " + k + " was loading");
                }
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return k.toUpperCase(java.util.Locale.ROOT);
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<String> a = pool.submit(() -> cache.get("a"));
            Future<String> b = pool.submit(() -> cache.get("b"));
            assertEquals("A", a.get());
            assertEquals("B", b.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @Timeout(30)
    void concurrentCallersShareAFailureAndALaterGetRetries() throws Exception {
        int threads = 8;
        AtomicInteger entered = new AtomicInteger();
        AtomicInteger loads = new AtomicInteger();
        DataCache<String, String> cache = new DataCache<>(k -> {
            if (loads.incrementAndGet() == 1) {
                while (entered.get() < threads) {
                    sleep(5);
                }
                sleep(200); // the last caller goes from entering to waiting on the load
                throw new DataFormatException(k + ": offset 0: expected magic");
            }
            return "loaded " + k;
        });
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    entered.incrementAndGet();
                    return cache.get("k");
                }));
            }
            start.countDown();
            for (Future<String> f : results) {
                java.util.concurrent.ExecutionException e = assertThrows(
                        java.util.concurrent.ExecutionException.class, f::get);
                assertTrue(e.getCause() instanceof DataFormatException, e.getCause().toString());
            }
            assertEquals(1, loads.get());
            assertEquals("loaded k", cache.get("k"));
            assertEquals(2, loads.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void invalidateForgetsAKeyAndNullValuesAreRejected() throws IOException {
        AtomicInteger loads = new AtomicInteger();
        DataCache<String, Integer> cache = new DataCache<>(k -> loads.incrementAndGet());
        assertEquals(1, cache.get("x"));
        assertEquals(1, cache.get("x"));
        assertTrue(cache.invalidate("x"));
        assertEquals(2, cache.get("x"));

        DataCache<String, String> nulls = new DataCache<>(k -> null);
        assertThrows(NullPointerException.class, () -> nulls.get("x"));
        assertEquals(Set.of(), nulls.loadedKeys());
        assertThrows(NullPointerException.class, () -> cache.get(null));
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }
}
