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
    DENSE_SOLVE
}
