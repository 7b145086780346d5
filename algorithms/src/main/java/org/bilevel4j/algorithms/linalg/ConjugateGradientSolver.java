package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Conjugate gradients (Hestenes–Stiefel) for A x = b with A symmetric positive definite: AID-CG of Grazzi,
 * Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, eqs. (15)–(18).
 *
 * <p>One iteration: one application of A, two inner products, three vector updates:
 * α = r·r / p·Ap, x ← x + αp, r ← r - αAp, p ← r + (r⁺·r⁺ / r·r) p. It minimises the
 * A-norm error over growing Krylov spaces; in exact arithmetic
 * ‖x_k - x‖ ≤ 2√κ ((√κ - 1)/(√κ + 1))^k ‖x₀ - x‖ (eq. (17)).
 *
 * <p>Stopping rule: the recurrence residual ‖r_k‖ ≤ max(rtol‖b‖, atol, ε‖b‖), confirmed on the true residual
 * ‖b - Ax_k‖ (one more application of A): CONVERGED only if the true residual meets the threshold too. If it does
 * not (the recurrence has drifted, as it does in float32 on ill-conditioned systems), the residual is replaced by the
 * true one and the iteration restarts from x_k; if a restart no longer halves the true residual, or the tolerance asked
 * for is the rounding floor itself (a tolerance of 0), the tolerance is not attainable in the element type and the
 * solve ends with BUDGET_EXHAUSTED, saying so. Otherwise the budget ends it. If p·Ap ≤ 0 the operator is not positive definite: the
 * solve stops with status BREAKDOWN and says so (use {@link MinresSolver} for symmetric indefinite systems); an
 * operator not declared symmetric ({@link LinearOperator#isSymmetric}) is refused the same way, before any work.
 * NaN or a residual 10¹² times the initial one gives DIVERGED.
 */
public final class ConjugateGradientSolver implements LinearSolver {

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        Tensor x = SolveSupport.start(b, x0);
        if (!a.isSymmetric()) {
            return new LinearSolveResult(x, Status.BREAKDOWN, 0, 0, 0, new double[] {Double.NaN}, "the operator is not declared "
                    + "symmetric: CG needs a symmetric positive-definite system (use CG on the normal equations, "
                    + "GMRES or the automatic choice, or declare the map's Jacobian symmetric)");
        }
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        Tensor r = b;
        if (x0 != null) {
            r = b.sub(a.apply(x));
            applications++;
        }
        double rr = r.dotValue(r);
        double r0 = Math.sqrt(rr);
        history.add(r0);
        double bNorm = b.normValue();
        double threshold = Math.max(budget.threshold(bNorm), SolveSupport.roundingFloor(b, bNorm));
        // below the rounding floor a restart cannot help: the recurrence stopped there and the true residual is final
        boolean restartable = budget.threshold(bNorm) > SolveSupport.roundingFloor(b, bNorm);
        if (r0 <= threshold || r0 == 0) {
            return new LinearSolveResult(x, Status.CONVERGED, 0, applications, 0, history.toArray(),
                    "initial residual below tolerance");
        }
        Tensor p = r;
        double confirmed = Double.POSITIVE_INFINITY;
        for (int k = 1; k <= budget.maxIterations(); k++) {
            Tensor ap = a.apply(p);
            applications++;
            double curvature = p.dotValue(ap);
            if (!(curvature > 0)) {
                Status status = Double.isFinite(curvature) ? Status.BREAKDOWN : Status.DIVERGED;
                return new LinearSolveResult(x, status, k - 1, applications, 0, history.toArray(),
                        "non-positive curvature p'Ap = " + curvature + " at iteration " + k
                                + ": the operator is not positive definite (use MINRES or GMRES)");
            }
            double alpha = rr / curvature;
            x = x.add(p.mul(alpha));
            r = r.sub(ap.mul(alpha));
            double rrNext = r.dotValue(r);
            double norm = Math.sqrt(rrNext);
            history.add(norm);
            if (SolveSupport.diverged(norm, r0)) {
                return new LinearSolveResult(x, Status.DIVERGED, k, applications, 0, history.toArray(),
                        "residual " + norm + " at iteration " + k);
            }
            if (norm <= threshold || rrNext == 0) {
                // the recurrence residual drifts from b - Ax in finite precision: confirm on the true one
                Tensor trueResidual = b.sub(a.apply(x));
                applications++;
                double trueNorm = trueResidual.normValue();
                if (trueNorm <= threshold) {
                    return new LinearSolveResult(x, Status.CONVERGED, k, applications, 0, history.toArray(),
                            "recurrence residual " + norm + ", true residual " + trueNorm + " <= " + threshold);
                }
                if (!restartable || trueNorm > SolveSupport.STAGNATION * confirmed) {
                    return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, k, applications, 0, history.toArray(),
                            SolveSupport.unattainable(b, threshold, norm, trueNorm));
                }
                confirmed = trueNorm;
                r = trueResidual;
                rr = r.dotValue(r);
                p = r;
                continue;
            }
            p = r.add(p.mul(rrNext / rr));
            rr = rrNext;
        }
        return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, budget.maxIterations(), applications, 0,
                history.toArray(), "budget of " + budget.maxIterations() + " iterations used");
    }

    @Override
    public String name() {
        return "cg";
    }
}
