package org.bilevel4j.backend.tensorflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.junit.jupiter.api.Test;

/** Discovery of the TensorFlow provider: found, available here, cheap, and precise when something is missing. */
class TensorflowBackendProviderTest {

    /** A class loader that sees the test class path but none of TensorFlow's native resources. */
    private static final class WithoutNatives extends ClassLoader {
        WithoutNatives(ClassLoader parent) {
            super(parent);
        }

        @Override
        public URL getResource(String name) {
            return name.startsWith(TensorflowBackendProvider.RESOURCE_ROOT) ? null : super.getResource(name);
        }
    }

    @Test
    void theProviderIsDiscoveredByTheServiceLoaderAndAvailableHere() {
        BackendProvider found = null;
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals("tensorflow")) {
                found = p;
            }
        }
        assertTrue(found instanceof TensorflowBackendProvider, "tensorflow provider not discovered");
        Availability a = found.availability();
        assertTrue(a.available(), a::reason);
        assertTrue(found.capabilities().containsAll(List.of(Capability.FLOAT64, Capability.FLOAT32,
                Capability.MULTI_THREADED, Capability.DENSE_SOLVE)), found.capabilities()::toString);
        boolean gpu = TensorflowBackendProvider.nativeInfo(getClass().getClassLoader(),
                TensorflowBackendProvider.platform()).gpuBuild() && TensorflowBackendProvider.gpuPresent();
        assertEquals(gpu ? 25 : 4, found.priority());
        assertEquals(gpu, found.capabilities().contains(Capability.GPU));
    }

    @Test
    void theNativeLibraryOfThisPlatformIsFoundAsAResource() {
        TensorflowBackendProvider.NativeInfo info = TensorflowBackendProvider.nativeInfo(getClass().getClassLoader(),
                "linux-x86_64");
        assertNull(info.problem());
        assertTrue(info.resource().startsWith("org/tensorflow/internal/c_api/linux-x86_64"), info.resource());
        assertTrue(info.resource().endsWith("/libjnitensorflow.so"), info.resource());
    }

    @Test
    void aMissingNativeJarIsReportedWithTheArtifactToAdd() {
        ClassLoader loader = new WithoutNatives(getClass().getClassLoader());
        Availability a = TensorflowBackendProvider.availability(loader, "linux-x86_64");
        assertFalse(a.available());
        assertTrue(a.reason().contains("org.tensorflow:tensorflow-core-native:1.1.0:linux-x86_64"), a.reason());
        assertTrue(a.reason().contains("libjnitensorflow.so"), a.reason());
        assertTrue(a.reason().contains("linux-x86_64-gpu"), a.reason());

        Availability mac = TensorflowBackendProvider.availability(loader, "macosx-arm64");
        assertTrue(mac.reason().contains("org.tensorflow:tensorflow-core-native:1.1.0:macosx-arm64"), mac.reason());
        assertTrue(mac.reason().contains("libjnitensorflow.dylib"), mac.reason());

        Availability other = TensorflowBackendProvider.availability(loader, "linux-ppc64le");
        assertTrue(other.reason().contains("no native build for this platform (linux-ppc64le)"), other.reason());
    }

    @Test
    void missingClassesAreReportedWithTheArtifactsToAdd() {
        ClassLoader empty = new ClassLoader(null) {
        };
        Availability a = TensorflowBackendProvider.availability(empty, "linux-x86_64");
        assertFalse(a.available());
        assertTrue(a.reason().contains("org.tensorflow:tensorflow-core-api:1.1.0"), a.reason());
        assertTrue(a.reason().contains("org.tensorflow:tensorflow-core-native:1.1.0:linux-x86_64"), a.reason());
    }

    @Test
    void thePlatformNameFollowsJavacpp() {
        String p = TensorflowBackendProvider.platform();
        assertTrue(p.matches("(linux|macosx|windows|[a-z_]+)-[a-z0-9_]+"), p);
        if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
            assertEquals("linux-x86_64", p);
        }
    }

    /**
     * Runs discovery in a fresh JVM ({@link DiscoveryProbe}) so that no other test has loaded TensorFlow there: the
     * availability check must return quickly and leave no TensorFlow library mapped into the process.
     */
    @Test
    void availabilityIsCheapAndLoadsNoNativeLibrary() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                DiscoveryProbe.class.getName(), "create"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "probe did not finish");
        assertEquals(0, process.exitValue(), () -> String.join("\n", lines));
        String out = String.join("\n", lines);
        assertTrue(out.contains("available=true"), out);
        assertTrue(out.contains("nativeMapped=false"), out);
        long millis = Long.parseLong(lines.stream().filter(l -> l.startsWith("millis=")).findFirst()
                .orElseThrow().substring("millis=".length()));
        assertTrue(millis < 2000, () -> "availability took " + millis + " ms");
        assertTrue(out.contains("nativeMappedAfterCreate=true"), out);
    }
}
