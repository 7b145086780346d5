package org.bilevel4j.algorithms.inner;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The outcome of running an inner solver.
 *
 * @param state               the solver's final state (w itself for Picard and gradient descent, (w, w_prev) for
 *                            momentum); for DIVERGED, the last finite state before the step that diverged
 * @param inner               the inner iterate of that state
 * @param iterations          steps taken (for DIVERGED, including the one that diverged)
 * @param stepNorms           ‖w_i - w_{i-1}‖ for each step (for Picard, the fixed-point residual at w_{i-1})
 * @param contractionEstimate q̂ = (r_n / r₁)^{1/(n-1)} over the step norms, NaN with fewer than two steps
 * @param status              CONVERGED if the step norm met the tolerance, BUDGET_EXHAUSTED after the budget,
 *                            DIVERGED by the rule of {@link org.bilevel4j.algorithms.diagnostics.DivergenceMonitor}
 * @param message             what happened, in words
 */
public record InnerRun(Tensor state, Tensor inner, int iterations, double[] stepNorms, double contractionEstimate,
        Status status, String message) {

    /** @return the last step norm, or NaN if no step was taken */
    public double lastStepNorm() {
        return stepNorms.length == 0 ? Double.NaN : stepNorms[stepNorms.length - 1];
    }

    @Override
    public String toString() {
        return "InnerRun[" + status + ", iterations=" + iterations + ", lastStep=" + lastStepNorm() + ", q="
                + contractionEstimate + ", " + message + "]";
    }
}
