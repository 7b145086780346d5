package org.bilevel4j.api.backend;

/** Reductions over one axis or over all elements that every backend implements ({@link Kernels#reduce}). */
public enum ReduceOp {
    /** Σ x */
    SUM,
    /** max x */
    MAX,
    /** min x */
    MIN,
    /** ln Σ e^x, computed as m + ln Σ e^(x - m) with m = max x, so it never overflows */
    LOG_SUM_EXP
}
