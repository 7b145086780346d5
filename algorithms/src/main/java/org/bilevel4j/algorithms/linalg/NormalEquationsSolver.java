package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Conjugate gradients on the normal equations AᵀA x = Aᵀb (CGLS form), for non-symmetric A: AID-CG for
 * equilibrium models in Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation"
 * (ICML 2020: "the conjugate gradient method must be applied on the normal
 * equations of problem (15)"). Converges for any invertible A, at the rate of CG with condition number κ(A)².
 *
 * <p>One iteration: one application of A and one of Aᵀ (for AID: one VJP and one JVP). Stopping rule: the
 * recurrence residual ‖b - Ax_k‖ ≤ max(rtol‖b‖, atol, ε‖b‖), confirmed on the true residual as in
 * {@link ConjugateGradientSolver} (residual replacement and restart when it has drifted, BUDGET_EXHAUSTED when a
 * restart stagnates), or the budget. Needs an operator with a transpose.
 */
public final class NormalEquationsSolver implements LinearSolver {

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        if (!a.hasTranspose()) {
            throw new IllegalArgumentException("a: CG on the normal equations needs A^T v; the operator has no "
                    + "transpose (for AID, the inner map must provide JVPs)");
        }
        Tensor x = SolveSupport.start(b, x0);
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        int transposes = 0;
        Tensor r = b;
        if (x0 != null) {
            r = b.sub(a.apply(x));
            applications++;
        }
        double r0 = r.normValue();
        history.add(r0);
        double bNorm = b.normValue();
        double threshold = Math.max(budget.threshold(bNorm), SolveSupport.roundingFloor(b, bNorm));
        // below the rounding floor a restart cannot help: the recurrence stopped there and the true residual is final
        boolean restartable = budget.threshold(bNorm) > SolveSupport.roundingFloor(b, bNorm);
        if (r0 <= threshold || r0 == 0) {
            return new LinearSolveResult(x, Status.CONVERGED, 0, applications, 0, history.toArray(),
                    "initial residual below tolerance");
        }
        Tensor s = a.applyTranspose(r);
        transposes++;
        Tensor p = s;
        double gamma = s.dotValue(s);
        double confirmed = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= budget.maxIterations(); k++) {
            Tensor q = a.apply(p);
            applications++;
            double qq = q.dotValue(q);
            if (!(qq > 0)) {
                Status status = Double.isFinite(qq) ? Status.BREAKDOWN : Status.DIVERGED;
                return new LinearSolveResult(x, status, k - 1, applications, transposes, history.toArray(),
                        "A p = 0 for a non-zero direction at iteration " + k + ": the operator is singular");
            }
            double alpha = gamma / qq;
            x = x.add(p.mul(alpha));
            r = r.sub(q.mul(alpha));
            double norm = r.normValue();
            history.add(norm);
            if (SolveSupport.diverged(norm, r0)) {
                return new LinearSolveResult(x, Status.DIVERGED, k, applications, transposes, history.toArray(),
                        "residual " + norm + " at iteration " + k);
            }
            if (norm <= threshold) {
                // confirm on the true residual, as conjugate gradients does
                Tensor trueResidual = b.sub(a.apply(x));
                applications++;
                double trueNorm = trueResidual.normValue();
                if (trueNorm <= threshold) {
                    return new LinearSolveResult(x, Status.CONVERGED, k, applications, transposes, history.toArray(),
                            "recurrence residual " + norm + ", true residual " + trueNorm + " <= " + threshold);
                }
                if (!restartable || trueNorm > SolveSupport.STAGNATION * confirmed) {
                    return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, k, applications, transposes,
                            history.toArray(), SolveSupport.unattainable(b, threshold, norm, trueNorm));
                }
                confirmed = trueNorm;
                r = trueResidual;
                s = a.applyTranspose(r);
                transposes++;
                p = s;
                gamma = s.dotValue(s);
                continue;
            }
            if (k == budget.maxIterations()) {
                break;
            }
            s = a.applyTranspose(r);
            transposes++;
            double gammaNext = s.dotValue(s);
            if (gammaNext == 0) {
                return new LinearSolveResult(x, Status.BREAKDOWN, k, applications, transposes, history.toArray(),
                        "A^T r = 0 with residual " + norm + ": the operator is singular");
            }
            p = s.add(p.mul(gammaNext / gamma));
            gamma = gammaNext;
        }
        return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, budget.maxIterations(), applications, transposes,
                history.toArray(), "budget of " + budget.maxIterations() + " iterations used");
    }

    @Override
    public String name() {
        return "cg-normal";
    }
}
