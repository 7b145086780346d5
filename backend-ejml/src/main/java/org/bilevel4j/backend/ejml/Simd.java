package org.bilevel4j.backend.ejml;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the backend's SIMD kernels run ({@link SimdLinearModel}, {@link SimdMatrixProduct}): decided once, when
 * this class is loaded, and logged. They need the JDK's incubating Vector API, which a JVM resolves only when started
 * with {@code --add-modules jdk.incubator.vector}, and hardware vectors of at least 256 bits (AVX2, AVX-512; on
 * narrower hardware the Vector API emulates them, slowly). {@code -Dbilevel4j.ejml.simd=false} switches them off.
 * Nothing refers to the SIMD classes unless {@link #ENABLED} is true, so a JVM without the module never loads them.
 */
final class Simd {
    /** System property: "false" keeps every kernel scalar even where the Vector API is available. */
    static final String PROPERTY = "bilevel4j.ejml.simd";

    private static final Logger LOG = LoggerFactory.getLogger(Simd.class);

    /** Whether the SIMD kernels are used. */
    static final boolean ENABLED = decide();

    private Simd() {
    }

    private static boolean decide() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "").trim())) {
            LOG.info("EJML backend: scalar kernels ({}=false)", PROPERTY);
            return false;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            LOG.info("EJML backend: scalar kernels; start the JVM with --add-modules jdk.incubator.vector for the SIMD "
                    + "kernels of linear-model losses and float64 matrix products");
            return false;
        }
        try {
            int bits = SimdLinearModel.preferredBits();
            if (bits < 256) {
                LOG.info("EJML backend: scalar kernels: this machine's vectors have {} bits, fewer than the 256 of the "
                        + "SIMD kernels", bits);
                return false;
            }
            SimdLinearModel.probe();
        } catch (LinkageError | RuntimeException e) {
            LOG.warn("EJML backend: the Vector API is present but failed ({}); scalar kernels", e.toString());
            return false;
        }
        LOG.info("EJML backend: SIMD kernels (jdk.incubator.vector, 4 doubles per vector) for linear-model losses and "
                + "float64 matrix products");
        return true;
    }
}
