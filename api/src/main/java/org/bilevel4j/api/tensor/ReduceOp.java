package org.bilevel4j.api.tensor;

/** Reductions over one axis or over all elements that every backend implements ({@link Kernels#reduce}). */
public enum ReduceOp {
    /** &Sigma; x */
    SUM,
    /** max x */
    MAX,
    /** min x */
    MIN,
    /** ln &Sigma; e^x, computed as m + ln &Sigma; e^(x - m) with m = max x, so it never overflows */
    LOG_SUM_EXP
}
