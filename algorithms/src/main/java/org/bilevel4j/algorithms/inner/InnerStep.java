package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.tensor.Tensor;

/**
 * One step s_i = Ψ(s_{i-1}, λ) of an inner iteration as its caller computes it: a plain map evaluation, or a
 * linearization recorded for back-propagation, or a step that also propagates tangents. {@link InnerSolver#run}
 * owns the loop (stopping rule, divergence rule, history); the step lets iterative differentiation observe and
 * record every step of exactly that loop.
 */
@FunctionalInterface
public interface InnerStep {

    /**
     * @param i     the 1-based index of the step
     * @param state s_{i-1}; not modified
     * @return s_i
     */
    Tensor next(int i, Tensor state);

    /**
     * A further condition before the loop may stop on its tolerance, for callers that need more than a converged
     * iterate: iterative differentiation also needs the derivative to have forgotten the starting point, which
     * takes as many steps from a warm start as from a cold one.
     *
     * @param stepNorm      ‖w_i - w_{i-1}‖, which has met the budget's tolerance
     * @param firstStepNorm ‖w₁ - w₀‖
     * @return true if the loop may stop (the default)
     */
    default boolean mayStop(double stepNorm, double firstStepNorm) {
        return true;
    }
}
