package org.bilevel4j.algorithms.hypergradient;

import java.util.Map;

/**
 * What one family of estimators reports beyond the common part of a {@link HypergradientEstimate}: the adjoint
 * and its linear solve for AID ({@link AidDiagnostics}), the back-propagation for ITD ({@link ItdDiagnostics}).
 * New families (stochastic, functional) add their own implementation instead of new fields on the estimate.
 */
public interface MethodDiagnostics {

    /** Nothing beyond the common part (e.g. an estimate that diverged before the method-specific work). */
    MethodDiagnostics NONE = Map::of;

    /**
     * @return the named scalar figures of these diagnostics, in a stable order, for logs and run tables (e.g.
     *         {@code adjoint_residual}, {@code linear_iterations})
     */
    Map<String, Double> figures();
}
