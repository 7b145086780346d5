package org.bilevel4j.algorithms.diagnostics;

/**
 * When an iterative method stops: after at most {@link #maxIterations} iterations, or earlier once its residual
 * r satisfies r &le; max({@link #relativeTolerance} &middot; r&#8320;, {@link #absoluteTolerance}), where r&#8320; is the
 * reference scale of the method (&#8214;b&#8214; for a linear solve; max(&#8214;w_i&#8214;, &#8214;w_{i-1}&#8214;) for the step
 * &#8214;w_i - w_{i-1}&#8214; of a fixed-point iteration). Tolerances of zero run exactly {@code maxIterations}
 * iterations, as the theory of seed 004 counts them, except that the Krylov solvers (CG, MINRES, GMRES, CG on the
 * normal equations) stop with CONVERGED once their residual reaches the rounding floor &epsilon;&#8214;b&#8214;, where further
 * iterations cannot improve the iterate. With a fixed budget the status is BUDGET_EXHAUSTED, so strict mode
 * ({@code strict(true)} on the estimators) needs a budget with tolerances.
 *
 * @param maxIterations     the budget, &ge; 0 (0 returns the starting point with status BUDGET_EXHAUSTED)
 * @param relativeTolerance &ge; 0
 * @param absoluteTolerance &ge; 0
 */
public record IterationBudget(int maxIterations, double relativeTolerance, double absoluteTolerance) {

    /** Validates the components. */
    public IterationBudget {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations: expected >= 0, got " + maxIterations);
        }
        if (!(relativeTolerance >= 0) || !(absoluteTolerance >= 0)) {
            throw new IllegalArgumentException("tolerances: expected >= 0, got relative " + relativeTolerance
                    + " and absolute " + absoluteTolerance);
        }
    }

    /**
     * @param iterations exactly this many iterations, no early stop
     * @return the budget
     */
    public static IterationBudget exactly(int iterations) {
        return new IterationBudget(iterations, 0, 0);
    }

    /**
     * @param maxIterations     at most this many
     * @param relativeTolerance stop when the residual falls below this fraction of the reference
     * @return the budget
     */
    public static IterationBudget of(int maxIterations, double relativeTolerance) {
        return new IterationBudget(maxIterations, relativeTolerance, 0);
    }

    /** @return true if the method may stop before {@link #maxIterations} */
    public boolean hasTolerance() {
        return relativeTolerance > 0 || absoluteTolerance > 0;
    }

    /**
     * @param reference the reference scale r&#8320;
     * @return the residual level that counts as converged
     */
    public double threshold(double reference) {
        return Math.max(relativeTolerance * reference, absoluteTolerance);
    }
}
