package org.bilevel4j.api.backend;

/** What a backend can do beyond the float64 kernels that every backend must provide. */
public enum Capability {
    /** float64 tensors (required of every backend). */
    FLOAT64,
    /** float32 tensors. */
    FLOAT32,
    /** kernels run on a GPU device. */
    GPU,
    /** large kernels use several CPU threads. */
    MULTI_THREADED,
    /** a dense direct linear solve kernel ({@link Kernels#solve}). */
    DENSE_SOLVE,
    /**
     * fused float64 kernels for the loss of a linear model, each reading the data once per call
     * ({@link Kernels#linearModelLoss}, {@link Kernels#linearModelHvp}): {@code Tensor.linearModelLoss} records them
     * on such a backend, and the composition of ordinary operations (whose backward pass reuses the forward pass's
     * per-sample values) everywhere else. The reference backend declares it too, to test the primitives.
     */
    FUSED_LINEAR_MODEL
}
