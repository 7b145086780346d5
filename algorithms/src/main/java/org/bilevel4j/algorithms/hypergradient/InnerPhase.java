package org.bilevel4j.algorithms.hypergradient;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.inner.InnerSolver;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * How an estimator computes w_t: which inner solver, with which budget, and whether it starts from the previous
 * estimate's w_t (warm start, "amortization") or from the problem's initial point w₀ (as the bounds of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, assume).
 *
 * @param solver    the inner solver
 * @param budget    at most t steps; a tolerance stops earlier
 * @param warmStart start from the previous estimate's inner iterate when there is one
 */
public record InnerPhase(InnerSolver solver, IterationBudget budget, boolean warmStart) {

    /** Validates the components. */
    public InnerPhase {
        Objects.requireNonNull(solver, "solver");
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * @param t exactly t Picard steps from w₀, no warm start (the setting of the theorems of Grazzi et al. (2020))
     * @return the phase
     */
    public static InnerPhase picard(int t) {
        return new InnerPhase(new PicardIteration(), IterationBudget.exactly(t), false);
    }

    /**
     * @param problem  the problem
     * @param outer    λ
     * @param previous the previous estimate, or null
     * @return the starting inner iterate
     */
    public Tensor start(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        if (warmStart && previous != null) {
            problem.checkShapes(previous.inner(), outer);
            return previous.inner();
        }
        return problem.initialInner(outer);
    }

    /** @param newSolver another solver @return a copy */
    public InnerPhase withSolver(InnerSolver newSolver) {
        return new InnerPhase(newSolver, budget, warmStart);
    }

    /** @param newBudget another budget @return a copy */
    public InnerPhase withBudget(IterationBudget newBudget) {
        return new InnerPhase(solver, newBudget, warmStart);
    }

    /** @param enabled warm start or not @return a copy */
    public InnerPhase withWarmStart(boolean enabled) {
        return new InnerPhase(solver, budget, enabled);
    }
}
