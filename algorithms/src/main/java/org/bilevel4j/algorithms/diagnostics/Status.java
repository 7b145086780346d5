package org.bilevel4j.algorithms.diagnostics;

/** How an iterative computation ended. Never silent: every result record carries one. */
public enum Status {
    /** The stopping tolerance was met. */
    CONVERGED,
    /**
     * The tolerance was not met: the iteration budget ran out first, no tolerance was set, or the tolerance is below
     * what the method can attain in its element type (the message says which). The result is usable with caution.
     */
    BUDGET_EXHAUSTED,
    /**
     * The iterates grew without bound, became NaN/infinite, or a stationary iteration did not contract at all
     * (see {@link DivergenceMonitor}). The result must not be used.
     */
    DIVERGED,
    /** The method cannot continue (e.g. conjugate gradients met non-positive curvature, GMRES lost rank). */
    BREAKDOWN;

    /** @return true for {@link #CONVERGED} */
    public boolean isConverged() {
        return this == CONVERGED;
    }

    /** @return true for {@link #DIVERGED} and {@link #BREAKDOWN}: the result must not be used */
    public boolean isFailure() {
        return this == DIVERGED || this == BREAKDOWN;
    }

    /**
     * @param other another status
     * @return the worse of the two (CONVERGED &lt; BUDGET_EXHAUSTED &lt; BREAKDOWN &lt; DIVERGED)
     */
    public Status worst(Status other) {
        return severity(other) > severity(this) ? other : this;
    }

    private static int severity(Status s) {
        return switch (s) {
            case CONVERGED -> 0;
            case BUDGET_EXHAUSTED -> 1;
            case BREAKDOWN -> 2;
            case DIVERGED -> 3;
        };
    }
}
