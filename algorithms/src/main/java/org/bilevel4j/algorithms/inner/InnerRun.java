package org.bilevel4j.algorithms.inner;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The outcome of running an inner solver.
 *
 * @param state      the solver's final state (w itself for Picard and gradient descent, (w, w_prev) for momentum)
 * @param inner      the final inner iterate w_t
 * @param iterations steps taken
 * @param stepNorms  ‖w_i - w_{i-1}‖ for each step (for Picard, the fixed-point residual at w_{i-1})
 * @param status     CONVERGED if the step norm met the tolerance, BUDGET_EXHAUSTED after the budget, DIVERGED on
 *                   NaN or explosive growth
 */
public record InnerRun(Tensor state, Tensor inner, int iterations, double[] stepNorms, Status status) {

    /** @return the last step norm, or NaN if no step was taken */
    public double lastStepNorm() {
        return stepNorms.length == 0 ? Double.NaN : stepNorms[stepNorms.length - 1];
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "InnerRun[" + status + ", iterations=" + iterations + ", lastStep=" + lastStepNorm() + "]";
    }
}
