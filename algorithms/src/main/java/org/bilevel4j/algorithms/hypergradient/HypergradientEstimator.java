package org.bilevel4j.algorithms.hypergradient;

import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Computes an approximation of the hypergradient ∇f(λ) of a bilevel problem at λ, with its
 * diagnostics. Estimators are immutable and thread-safe; the optional previous estimate is a warm start (its
 * inner iterate and adjoint vector), used as far as the estimator's settings allow.
 */
public interface HypergradientEstimator {

    /**
     * @param problem  the problem
     * @param outer    λ, of the problem's outer shape; not modified
     * @param previous the estimate at the previous outer iterate, or null for a cold start
     * @return the estimate
     * @throws UncertifiedHypergradientException in strict mode, if the estimate did not converge
     */
    HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous);

    /**
     * Cold start.
     *
     * @param problem the problem
     * @param outer   λ
     * @return the estimate
     */
    default HypergradientEstimate estimate(BilevelProblem problem, Tensor outer) {
        return estimate(problem, outer, null);
    }

    /** @return a short description, e.g. {@code "aid-cg(t=20,k=10)"} */
    String name();
}
