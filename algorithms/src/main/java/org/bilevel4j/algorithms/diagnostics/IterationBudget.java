package org.bilevel4j.algorithms.diagnostics;

/**
 * When an iterative method stops: after at most {@link #maxIterations} iterations, or earlier once its residual
 * r satisfies r ≤ max({@link #relativeTolerance} · r₀, {@link #absoluteTolerance}), where r₀ is the
 * reference scale of the method (‖b‖ for a linear solve; max(‖w_i‖, ‖w_{i-1}‖) for the step
 * ‖w_i - w_{i-1}‖ of a fixed-point iteration). Tolerances of zero run exactly {@code maxIterations}
 * iterations, as the theory of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020,
 * counts them, except that the Krylov solvers (CG, MINRES, GMRES, CG on the
 * normal equations) stop with CONVERGED once their residual reaches the rounding floor ε‖b‖, where further
 * iterations cannot improve the iterate. With a fixed budget the status is BUDGET_EXHAUSTED, so strict mode
 * ({@code strict(true)} on the estimators) needs a budget with tolerances.
 *
 * @param maxIterations     the budget, ≥ 0 (0 returns the starting point with status BUDGET_EXHAUSTED)
 * @param relativeTolerance ≥ 0
 * @param absoluteTolerance ≥ 0
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
     * @param reference the reference scale r₀
     * @return the residual level that counts as converged
     */
    public double threshold(double reference) {
        return Math.max(relativeTolerance * reference, absoluteTolerance);
    }
}
