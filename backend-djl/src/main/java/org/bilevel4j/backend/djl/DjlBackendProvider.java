package org.bilevel4j.backend.djl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;

/**
 * The DJL backend with the PyTorch engine, name {@code djl}. CPU by default (priority 5, below EJML, whose
 * per-operation overhead is far lower for the small problems of this field); with the CUDA build of libtorch
 * ({@code mvn -Pgpu}) and an NVIDIA driver present it declares {@link Capability#GPU} and priority 30, so a GPU
 * server picks it without configuration.
 *
 * <p>DJL contacts outside addresses when its engine class loads (telemetry, downloads) unless offline mode is
 * set; this class sets {@code ai.djl.offline=true} and {@code OPT_OUT_TRACKING=true} in its static initialiser,
 * before any DJL class can load, unless the user set them. Discovery loads no DJL class and no native library:
 * {@link #availability()} only reads the {@code pytorch.properties} resources of the native and JNI jars.
 */
public final class DjlBackendProvider implements BackendProvider {
    /** The name used to select this backend. */
    public static final String NAME = "djl";

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
    }

    /** What the class path holds of libtorch, read from resources without loading anything. */
    record NativeInfo(String flavor, String classifier, boolean jniPresent, String problem) {
        boolean cuda() {
            return flavor.startsWith("cu");
        }
    }

    /** Creates the provider; loads nothing. */
    public DjlBackendProvider() {
        // discovery must be cheap and side-effect free
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        NativeInfo info = nativeInfo();
        return info.problem() == null && info.cuda() && gpuPresent() ? 30 : 5;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.MULTI_THREADED,
                Capability.DENSE_SOLVE);
        NativeInfo info = nativeInfo();
        if (info.problem() == null && info.cuda() && gpuPresent()) {
            c.add(Capability.GPU);
        }
        return c;
    }

    @Override
    public Availability availability() {
        ClassLoader loader = DjlBackendProvider.class.getClassLoader();
        try {
            Class.forName("ai.djl.ndarray.NDManager", false, loader);
            Class.forName("ai.djl.pytorch.engine.PtEngine", false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unavailable("DJL classes not found (" + e.getMessage() + "); add ai.djl:api and "
                    + "ai.djl.pytorch:pytorch-engine 0.36.0 to the class path");
        }
        NativeInfo info = nativeInfo();
        if (info.problem() != null) {
            return Availability.unavailable(info.problem());
        }
        if (info.cuda() && !gpuPresent()) {
            return Availability.unavailable("the CUDA build of libtorch (" + info.flavor() + ") is on the class path "
                    + "but no NVIDIA driver was found (/proc/driver/nvidia/version is missing); build without -Pgpu "
                    + "to use ai.djl.pytorch:pytorch-native-cpu on this machine");
        }
        return Availability.ofAvailable();
    }

    @Override
    public Kernels create() {
        NativeInfo info = nativeInfo();
        return new DjlKernels(info.cuda() && gpuPresent());
    }

    static NativeInfo nativeInfo() {
        return nativeInfo(DjlBackendProvider.class.getClassLoader(), platform());
    }

    /**
     * @param loader   where to look for the native and JNI jars' resources
     * @param platform e.g. {@code linux-x86_64}
     * @return what is there, with a message naming the missing artifact if something is missing
     */
    static NativeInfo nativeInfo(ClassLoader loader, String platform) {
        Properties p = new Properties();
        try (InputStream in = loader.getResourceAsStream("native/lib/pytorch.properties")) {
            if (in == null) {
                return new NativeInfo("", "", false, "the PyTorch native library is not on the class path; add "
                        + "ai.djl.pytorch:pytorch-native-cpu:2.7.1:" + platform + " (or pytorch-native-cu128 for "
                        + "CUDA); DJL runs offline here and will not download it");
            }
            p.load(in);
        } catch (IOException e) {
            return new NativeInfo("", "", false, "cannot read native/lib/pytorch.properties: " + e);
        }
        String flavor = p.getProperty("flavor", "");
        String classifier = p.getProperty("classifier", "");
        if (!classifier.equals(platform)) {
            return new NativeInfo(flavor, classifier, false, "the PyTorch native jar on the class path is for "
                    + classifier + " but this machine is " + platform + "; add ai.djl.pytorch:pytorch-native-cpu:2.7.1:"
                    + platform);
        }
        String jni = "jnilib/" + classifier + "/" + flavor + "/libdjl_torch.so";
        if (loader.getResource(jni) == null) {
            return new NativeInfo(flavor, classifier, false, "the DJL JNI library " + jni + " is not on the class "
                    + "path; add ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0; DJL runs offline here and will not "
                    + "download it");
        }
        return new NativeInfo(flavor, classifier, true, null);
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "osx" : os.startsWith("windows") ? "win" : os;
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch.equals("aarch64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    static boolean gpuPresent() {
        return Files.exists(Path.of("/proc/driver/nvidia/version"));
    }
}
