package org.bilevel4j.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.Backends;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.tensor.Capability;
import org.junit.jupiter.api.Test;

/** Discovery, availability and the error texts when natives are missing. */
class DjlBackendProviderTest {

    @Test
    void isDiscoveredAndAvailableWithTheCpuNativesOnTheClassPath() {
        List<ProviderStatus> providers = Backends.providers();
        ProviderStatus djl = providers.stream().filter(p -> p.name().equals("djl")).findFirst().orElseThrow();
        assertTrue(djl.availability().available(), djl::toString);
        assertTrue(djl.capabilities().contains(Capability.FLOAT64) && djl.capabilities().contains(Capability.FLOAT32));
        DjlBackendProvider.NativeInfo info = DjlBackendProvider.nativeInfo();
        assertNull(info.problem());
        assertEquals("cpu", info.flavor());
        assertEquals(5, new DjlBackendProvider().priority(), "CPU DJL ranks below EJML");
    }

    @Test
    void offlineModeIsForcedBeforeAnyDjlClassLoads() {
        new DjlBackendProvider();
        assertEquals("true", System.getProperty("ai.djl.offline"));
        assertEquals("true", System.getProperty("OPT_OUT_TRACKING"));
    }

    @Test
    void missingNativeJarIsReportedWithTheArtifactToAdd() {
        ClassLoader empty = new URLClassLoader(new URL[0], null);
        DjlBackendProvider.NativeInfo info = DjlBackendProvider.nativeInfo(empty, "linux-x86_64");
        assertEquals("the PyTorch native library is not on the class path; add "
                + "ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64 (or pytorch-native-cu128 for CUDA); DJL runs "
                + "offline here and will not download it", info.problem());
    }

    @Test
    void nativeJarForAnotherPlatformIsReported() {
        DjlBackendProvider.NativeInfo info = DjlBackendProvider.nativeInfo(getClass().getClassLoader(), "osx-aarch64");
        assertTrue(info.problem().contains("is for linux-x86_64 but this machine is osx-aarch64")
                && info.problem().contains("pytorch-native-cpu:2.7.1:osx-aarch64"), info::problem);
    }

    @Test
    void availabilityCheckIsCheapAndSideEffectFree() {
        long start = System.nanoTime();
        Availability a = new DjlBackendProvider().availability();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(a.available());
        assertTrue(millis < 2_000, "availability took " + millis + " ms");
        assertFalse(DjlBackendProvider.gpuPresent() && !a.available());
    }
}
