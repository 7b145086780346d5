package org.bilevel4j.algorithms.hypergradient;

import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A hypergradient with everything needed to trust it (or not), and to warm-start the next one.
 *
 * @param method          the estimator, e.g. {@code "aid-cg(t=20,k=10)"}
 * @param hypergradient   the estimate of ∇f(λ), of the shape of λ
 * @param inner           w_t, the inner iterate the estimate was computed at (warm start for the next call)
 * @param adjoint         v, the solution of (I - ∂₁Φᵀ)v = ∇₁E at w_t (AID; warm start for the next
 *                        call), or null for ITD, which solves no linear system
 * @param outerValue      E(w_t, λ), the objective the estimate differentiates (f_t for ITD)
 * @param innerResidual   ‖w_t - Φ(w_t, λ)‖
 * @param adjointResidual ‖(I - ∂₁Φ(w_t, λ)ᵀ)v - ∇₁E(w_t, λ)‖, the true residual (NaN for ITD)
 * @param innerIterations inner steps taken
 * @param linearSolve     the adjoint solve (AID), or null
 * @param counts          oracle calls of this estimate
 * @param status          CONVERGED only if the inner solve (and the adjoint solve) met their tolerances;
 *                        BUDGET_EXHAUSTED if a budget ran out first; DIVERGED or BREAKDOWN if the result must not be
 *                        used
 * @param bound           a-posteriori error bounds, where q (and the problem's constants) are known
 * @param message         what happened, in words
 */
public record HypergradientEstimate(String method, Tensor hypergradient, Tensor inner, Tensor adjoint,
        double outerValue, double innerResidual, double adjointResidual, int innerIterations,
        LinearSolveResult linearSolve, OracleCounts counts, Status status, ErrorBound bound, String message) {

    /**
     * The estimate of an inner iteration that blew up: status DIVERGED and a hypergradient of zeros (estimates never
     * carry NaN) that must not be used; {@code BilevelSolver} stops on it without updating λ.
     *
     * @param method the estimator
     * @param solver the inner solver's name
     * @param outer  λ
     * @param inner  the last finite inner iterate
     * @param steps  the step at which the iteration diverged
     * @param counts oracle calls until then
     * @return the estimate
     */
    public static HypergradientEstimate innerDiverged(String method, String solver, Tensor outer, Tensor inner,
            int steps, OracleCounts counts) {
        return new HypergradientEstimate(method, outer.backend().zeros(outer.shape(), outer.dtype()), inner,
                null, Double.NaN, Double.NaN, Double.NaN, steps, null, counts, Status.DIVERGED,
                ErrorBound.unavailable("inner iteration diverged"), "inner iteration " + solver + " diverged at step "
                        + steps + "; the hypergradient (zeros) must not be used");
    }

    /**
     * @param newStatus the status
     * @param newMessage the message
     * @return a copy with another status and message
     */
    public HypergradientEstimate withStatus(Status newStatus, String newMessage) {
        return new HypergradientEstimate(method, hypergradient, inner, adjoint, outerValue, innerResidual,
                adjointResidual, innerIterations, linearSolve, counts, newStatus, bound, newMessage);
    }

    /** @return true if the estimate has an adjoint vector (AID) */
    public boolean hasAdjoint() {
        return adjoint != null;
    }

    /** @return the linear solver's iterations, 0 for ITD */
    public int linearIterations() {
        return linearSolve == null ? 0 : linearSolve.iterations();
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
        return method + ": " + status + ", |g| = " + hypergradient.normValue() + ", E = " + outerValue
                + ", inner residual " + innerResidual + " after " + innerIterations + " steps"
                + (adjoint == null ? "" : ", adjoint residual " + adjointResidual + " after " + linearIterations()
                        + " iterations")
                + ", bound " + bound.hypergradientError() + ", " + counts + (message.isEmpty() ? "" : " (" + message + ")");
    }
}
