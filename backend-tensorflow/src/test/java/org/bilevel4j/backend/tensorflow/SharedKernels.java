package org.bilevel4j.backend.tensorflow;

/** One kernels instance (one eager session) for the tests of this module. */
final class SharedKernels {
    private static final TensorflowKernels KERNELS = (TensorflowKernels) new TensorflowBackendProvider().create();

    private SharedKernels() {
    }

    static TensorflowKernels get() {
        return KERNELS;
    }
}
