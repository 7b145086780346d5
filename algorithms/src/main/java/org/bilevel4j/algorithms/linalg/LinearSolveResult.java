package org.bilevel4j.algorithms.linalg;

import java.util.Arrays;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The outcome of one linear solve.
 *
 * @param solution             the last iterate (for BREAKDOWN and DIVERGED, the last finite one)
 * @param status               how the solve ended
 * @param iterations           iterations performed
 * @param operatorApplications applications of A (and of Aᵀ, counted separately below)
 * @param transposeApplications applications of Aᵀ
 * @param residualNorms        ‖b - Ax‖ at the start and after each iteration, as the method tracks it
 *                             (recurrence residuals for the Krylov methods)
 * @param message              what happened, in words (names the cause of a breakdown)
 */
public record LinearSolveResult(Tensor solution, Status status, int iterations, int operatorApplications,
        int transposeApplications, double[] residualNorms, String message) {

    /** @return the last tracked residual norm */
    public double finalResidual() {
        return residualNorms[residualNorms.length - 1];
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
        return "LinearSolveResult[" + status + ", iterations=" + iterations + ", residual=" + finalResidual()
                + ", applications=" + operatorApplications + "+" + transposeApplications + "T, " + message + ", history="
                + Arrays.toString(residualNorms.length > 8 ? Arrays.copyOfRange(residualNorms, 0, 8) : residualNorms)
                + (residualNorms.length > 8 ? "..." : "") + "]";
    }
}
