package org.bilevel4j.backend.tensorflow;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TensorFlow Java backend (TensorFlow Java 1.1.0, TensorFlow 2.18, eager execution), name {@code tensorflow}.
 * CPU by default, with priority 4: below EJML (10) and DJL (5), because an eager TensorFlow operation costs tens of
 * microseconds, which dominates the small problems of this field. With the CUDA build of the native library
 * ({@code tensorflow-core-native:1.1.0:linux-x86_64-gpu}, Maven profile {@code gpu}) and an NVIDIA driver present
 * ({@code /proc/driver/nvidia/version} exists) it declares {@link Capability#GPU} and priority 25, so a GPU server
 * picks it without configuration (DJL's CUDA build, priority 30, still wins where both are installed).
 *
 * <p>Discovery loads no TensorFlow class and no native library: {@link #availability()} checks the classes with
 * {@code Class.forName(name, false, loader)} (no initialisation) and looks up the JNI library of this platform as a
 * class-path resource of the {@code tensorflow-core-native} jar. Natives are loaded in {@link #create()}, which
 * JavaCPP extracts to {@code ~/.javacpp/cache} on first use (about 650 MB for the CPU build).
 */
public final class TensorflowBackendProvider implements BackendProvider {
    /** The name used to select this backend. */
    public static final String NAME = "tensorflow";

    /** Priority on the CPU. */
    static final int CPU_PRIORITY = 4;
    /** Priority with the CUDA build and an NVIDIA driver. */
    static final int GPU_PRIORITY = 25;

    /** The TensorFlow Java version this module is built and tested with. */
    static final String TF_JAVA_VERSION = "1.1.0";

    /** Where JavaCPP looks for the natives of a platform inside the {@code tensorflow-core-native} jars. */
    static final String RESOURCE_ROOT = "org/tensorflow/internal/c_api/";

    /** Classes checked (not initialised) by {@link #availability()}. */
    static final String[] REQUIRED_CLASSES = {"org.tensorflow.EagerSession", "org.tensorflow.op.Ops",
        "org.tensorflow.types.TFloat64", "org.bytedeco.javacpp.Loader"};

    private static final Logger LOG = LoggerFactory.getLogger(TensorflowBackendProvider.class);

    /**
     * What the class path holds of the TensorFlow natives, read from resources without loading anything.
     *
     * @param gpuBuild true if the CUDA build ({@code <platform>-gpu}) is present
     * @param resource the JNI library resource found, or empty
     * @param problem  null if usable, else what is missing and how to add it
     */
    record NativeInfo(boolean gpuBuild, String resource, String problem) {
    }

    /** Creates the provider; loads nothing. */
    public TensorflowBackendProvider() {
        // discovery must be cheap and side-effect free
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return gpuUsable() ? GPU_PRIORITY : CPU_PRIORITY;
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.MULTI_THREADED,
                Capability.DENSE_SOLVE);
        if (gpuUsable()) {
            c.add(Capability.GPU);
        }
        return c;
    }

    @Override
    public Availability availability() {
        try {
            return availability(TensorflowBackendProvider.class.getClassLoader(), platform());
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("the TensorFlow availability check failed: " + e);
        }
    }

    @Override
    public Kernels create() {
        NativeInfo info = nativeInfo(TensorflowBackendProvider.class.getClassLoader(), platform());
        if (info.problem() != null) {
            throw new IllegalStateException(info.problem());
        }
        boolean gpu = info.gpuBuild() && gpuPresent();
        if (info.gpuBuild() && !gpu) {
            LOG.info("the CUDA build of TensorFlow is on the class path but no NVIDIA driver was found "
                    + "(/proc/driver/nvidia/version is missing): TensorFlow will run on the CPU");
        }
        LOG.debug("TensorFlow native library: {}; set the environment variable TF_CPP_MIN_LOG_LEVEL=2 to silence "
                + "TensorFlow's own start-up messages", info.resource());
        return new TensorflowKernels(gpu);
    }

    // ---------------------------------------------------------------- checks, factored for tests

    /**
     * The availability check on an explicit class loader and platform.
     *
     * @param loader   where to look for classes and resources
     * @param platform a JavaCPP platform name such as {@code linux-x86_64}
     * @return available, or unavailable with what to add
     */
    static Availability availability(ClassLoader loader, String platform) {
        for (String name : REQUIRED_CLASSES) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return Availability.unavailable("TensorFlow Java classes not found (" + name + "); add "
                        + "org.tensorflow:tensorflow-core-api:" + TF_JAVA_VERSION + " and "
                        + "org.tensorflow:tensorflow-core-native:" + TF_JAVA_VERSION + ":" + classifier(platform)
                        + " to the class path");
            }
        }
        NativeInfo info = nativeInfo(loader, platform);
        return info.problem() == null ? Availability.ofAvailable() : Availability.unavailable(info.problem());
    }

    /**
     * Finds the JNI library of TensorFlow Java for {@code platform} among the class-path resources: the CUDA build
     * ({@code <platform>-gpu}) first, as JavaCPP does, then the CPU build.
     *
     * @param loader   where to look
     * @param platform a JavaCPP platform name
     * @return what was found
     */
    static NativeInfo nativeInfo(ClassLoader loader, String platform) {
        String library = libraryFile(platform);
        String gpu = RESOURCE_ROOT + platform + "-gpu/" + library;
        if (loader.getResource(gpu) != null) {
            return new NativeInfo(true, gpu, null);
        }
        String cpu = RESOURCE_ROOT + platform + "/" + library;
        if (loader.getResource(cpu) != null) {
            return new NativeInfo(false, cpu, null);
        }
        if (!SUPPORTED.contains(platform)) {
            return new NativeInfo(false, "", "TensorFlow Java " + TF_JAVA_VERSION + " has no native build for this "
                    + "platform (" + platform + "); builds exist for " + String.join(", ", SUPPORTED));
        }
        return new NativeInfo(false, "", "the TensorFlow native library for " + platform + " (resource " + cpu
                + ") is not on the class path; add org.tensorflow:tensorflow-core-native:" + TF_JAVA_VERSION + ":"
                + classifier(platform) + (platform.equals("linux-x86_64") ? " (or the classifier linux-x86_64-gpu for "
                + "the CUDA build)" : ""));
    }

    /** Platforms with a {@code tensorflow-core-native} 1.1.0 jar on Maven Central. */
    static final List<String> SUPPORTED = List.of("linux-x86_64", "linux-arm64", "macosx-arm64", "windows-x86_64");

    private static String classifier(String platform) {
        return SUPPORTED.contains(platform) ? platform : "linux-x86_64";
    }

    static String libraryFile(String platform) {
        if (platform.startsWith("windows")) {
            return "jnitensorflow.dll";
        }
        if (platform.startsWith("macosx")) {
            return "libjnitensorflow.dylib";
        }
        return "libjnitensorflow.so";
    }

    /** @return this machine's platform in JavaCPP's naming, e.g. {@code linux-x86_64}, {@code macosx-arm64} */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "macosx"
                : os.startsWith("windows") ? "windows" : os.replace(' ', '_');
        String a = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i486", "i586", "i686" -> "x86";
            default -> arch;
        };
        return o + "-" + a;
    }

    static boolean gpuPresent() {
        return Files.exists(Path.of("/proc/driver/nvidia/version"));
    }

    private static boolean gpuUsable() {
        try {
            NativeInfo info = nativeInfo(TensorflowBackendProvider.class.getClassLoader(), platform());
            return info.problem() == null && info.gpuBuild() && gpuPresent();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
