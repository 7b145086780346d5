package org.bilevel4j.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.tensor.Backends;
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

    /**
     * Discovery in a fresh JVM that has neither DJL's offline property nor its tracking opt-out (the test JVM sets
     * both for every test): loading the provider must set them before any DJL class loads, the availability check
     * must be quick and map no PyTorch library, and creating the kernels (the positive control) must map it.
     */
    @Test
    void discoveryForcesOfflineModeAndLoadsNoNativeLibrary() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                DjlDiscoveryProbe.class.getName(), "create");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        String out = String.join("\n", lines);
        assertEquals(0, process.exitValue(), out);
        assertTrue(out.contains("offlineBefore=null"), "the probe JVM must start without the property: " + out);
        assertTrue(out.contains("offline=true") && out.contains("optOutTracking=true"), out);
        assertTrue(out.contains("available=true") && out.contains("nativeMapped=false"), out);
        long millis = Long.parseLong(lines.stream().filter(l -> l.startsWith("millis=")).findFirst()
                .orElseThrow().substring("millis=".length()));
        assertTrue(millis < 2000, () -> "availability took " + millis + " ms");
        assertTrue(out.contains("nativeMappedAfterCreate=true"), out);
    }
}
