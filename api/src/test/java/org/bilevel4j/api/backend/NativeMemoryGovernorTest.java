package org.bilevel4j.api.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link NativeMemoryGovernor}: counting, release once unreachable, and when it asks for a collection. */
class NativeMemoryGovernorTest {

    @Test
    void countsLiveStoragesAndReleasesThemOnceUnreachable() throws InterruptedException {
        NativeMemoryGovernor governor = new NativeMemoryGovernor(0);
        AtomicInteger released = new AtomicInteger();
        Object kept = new Object();
        governor.register(kept, 100, 0, released::incrementAndGet);
        registerGarbage(governor, released);
        assertEquals(4, governor.created());
        assertEquals(0, governor.collections(), "a threshold of 0 disables collections");
        for (int i = 0; i < 100 && governor.live() > 1; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(1, governor.live(), "only the storage still referenced is live");
        assertEquals(100, governor.liveBytes());
        assertEquals(3, released.get());
        java.lang.ref.Reference.reachabilityFence(kept);
    }

    /** Three storages that are unreachable as soon as this method returns. */
    private static void registerGarbage(NativeMemoryGovernor governor, AtomicInteger released) {
        for (int i = 0; i < 3; i++) {
            governor.register(new Object(), 10, 0, released::incrementAndGet);
        }
    }

    @Test
    void asksForACollectionAboveTheThresholdAndBacksOff() {
        NativeMemoryGovernor governor = new NativeMemoryGovernor(1000);
        Object small = new Object();
        governor.register(small, 500, 0, () -> { });
        assertEquals(0, governor.collections(), "below the threshold");
        Object large = new Object();
        governor.register(large, 400, 200, () -> { });
        assertEquals(1, governor.collections(), "live 900 + scratch 200 exceed 1000");
        Object next = new Object();
        governor.register(next, 400, 0, () -> { });
        assertEquals(1, governor.collections(), "within the back-off interval");
        assertEquals(3, governor.live());
        java.lang.ref.Reference.reachabilityFence(small);
        java.lang.ref.Reference.reachabilityFence(large);
        java.lang.ref.Reference.reachabilityFence(next);
    }

    @Test
    void negativeSizesAreRefused() {
        NativeMemoryGovernor governor = new NativeMemoryGovernor(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> governor.register(new Object(), -1, 0, () -> { }));
        assertTrue(e.getMessage().contains("bytes") && e.getMessage().contains("-1"), e.getMessage());
    }
}
