package org.bilevel4j.backend.ejml;

import java.util.EnumSet;
import java.util.Set;
import org.bilevel4j.api.backend.Availability;
import org.bilevel4j.api.backend.BackendProvider;
import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.Kernels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EJML backend: pure Java, always available where its jars are on the class path, float64 and float32,
 * multi-threaded matrix products for large sizes. Priority 10, below GPU-capable native backends.
 *
 * <p>Large matrix–vector products (X w and Xᵀ v, the bulk of a gradient of a linear model) use every available
 * processor; the system property {@code bilevel4j.ejml.threads} sets another number of threads (1: the caller's
 * thread only). Their results do not depend on that number.
 */
public final class EjmlBackendProvider implements BackendProvider {
    /** The name used to select this backend. */
    public static final String NAME = "ejml";

    private static final Logger LOG = LoggerFactory.getLogger(EjmlBackendProvider.class);

    /** Creates the provider; loads nothing. */
    public EjmlBackendProvider() {
        // discovery must be cheap
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.FLOAT64, Capability.FLOAT32, Capability.MULTI_THREADED, Capability.DENSE_SOLVE,
                Capability.FUSED_LINEAR_MODEL);
    }

    @Override
    public Availability availability() {
        try {
            Class.forName("org.ejml.dense.row.CommonOps_DDRM", false, EjmlBackendProvider.class.getClassLoader());
            Class.forName("org.ejml.dense.row.CommonOps_FDRM", false, EjmlBackendProvider.class.getClassLoader());
            return Availability.ofAvailable();
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unavailable("EJML classes not found (" + e.getMessage()
                    + "); add org.ejml:ejml-ddense and org.ejml:ejml-fdense 0.46.1 to the class path");
        }
    }

    @Override
    public Kernels create() {
        LOG.info("EJML backend: matrix-vector products of {} elements and more on {} threads ({} to change; idle"
                + " workers spin {} µs before they park, {} to change), float64 matrix-matrix products of {}"
                + " multiply-adds and more on the backend's blocked kernel (same threads, {} arithmetic), float32 ones"
                + " of {} and more on EJML's multi-threaded kernels",
                DenseProducts.PARALLEL_ELEMENTS, DenseProducts.threads(), DenseProducts.THREADS_PROPERTY,
                DenseProducts.spinNanos() / 1000, WorkerTeam.SPIN_PROPERTY,
                EjmlKernels.GENERAL_MULTIPLY_ADDS, Simd.ENABLED ? "SIMD" : "scalar", EjmlKernels.PARALLEL_FLOPS);
        return new EjmlKernels();
    }
}
