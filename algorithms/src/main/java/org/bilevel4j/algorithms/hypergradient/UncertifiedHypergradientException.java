package org.bilevel4j.algorithms.hypergradient;

/**
 * Thrown in strict mode instead of returning a hypergradient whose inner or adjoint solve did not converge (or
 * diverged, or broke down). The estimate is attached for inspection.
 */
public class UncertifiedHypergradientException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient HypergradientEstimate estimate;

    /**
     * @param estimate the estimate that failed certification
     */
    public UncertifiedHypergradientException(HypergradientEstimate estimate) {
        super("strict mode: " + estimate.method() + " did not converge (" + estimate.status() + "): " + estimate);
        this.estimate = estimate;
    }

    /** @return the rejected estimate */
    public HypergradientEstimate estimate() {
        return estimate;
    }
}
