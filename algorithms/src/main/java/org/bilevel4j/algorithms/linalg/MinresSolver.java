package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * MINRES (Paige and Saunders, "Solution of sparse indefinite systems of linear equations", SIAM J. Numer.
 * Anal. 1975) for A x = b with A symmetric, possibly indefinite: the adjoint system of a
 * symmetric map that is not a contraction everywhere, and the fallback when conjugate gradients meets
 * non-positive curvature.
 *
 * <p>One iteration: one application of A and a three-term Lanczos step, followed by a Givens rotation of the
 * tridiagonal least-squares problem; the iterate minimises ‖b - Ax‖ over the Krylov space, so the residual
 * never increases. Stopping rule: the residual estimate φ̄_k (exact in exact arithmetic) ≤
 * max(rtol‖b‖, atol, ε‖b‖), or the budget; convergence is then confirmed by one application for the true
 * residual (CONVERGED only if it meets the tolerance too; if it does not, the iteration goes on until the estimate
 * reaches rounding level ε‖b‖ and is confirmed once more: then the true residual is the attainable
 * accuracy, reported as BUDGET_EXHAUSTED with a message saying the tolerance was not attainable if it is within
 * √ε‖b‖, and as BREAKDOWN above that). Non-finite Lanczos coefficients give DIVERGED; an invariant Krylov space on which A
 * is singular (the true residual stays above √ε‖b‖) gives BREAKDOWN. An operator not declared symmetric
 * ({@link LinearOperator#isSymmetric}) is refused before any work with BREAKDOWN, as {@link ConjugateGradientSolver}
 * refuses it: on a non-symmetric operator the Lanczos recurrence gives a wrong answer with a plausible residual
 * estimate. Use {@link GmresSolver} for those.
 */
public final class MinresSolver implements LinearSolver {

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        Tensor x = SolveSupport.start(b, x0);
        if (!a.isSymmetric()) {
            return new LinearSolveResult(x, Status.BREAKDOWN, 0, 0, 0, new double[] {Double.NaN}, "the operator is not "
                    + "declared symmetric: MINRES needs a symmetric system (use GMRES, CG on the normal equations or "
                    + "the automatic choice, or declare the map's Jacobian symmetric)");
        }
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        Tensor r1 = b;
        if (x0 != null) {
            r1 = b.sub(a.apply(x));
            applications++;
        }
        double beta1 = r1.normValue();
        history.add(beta1);
        double bNorm = b.normValue();
        double threshold = Math.max(budget.threshold(bNorm), SolveSupport.roundingFloor(b, bNorm));
        if (beta1 <= threshold || beta1 == 0) {
            return new LinearSolveResult(x, Status.CONVERGED, 0, applications, 0, history.toArray(),
                    "initial residual below tolerance");
        }
        double target = threshold;
        Tensor zero = b.backend().zeros(b.shape(), b.dtype());
        Tensor y = r1;
        Tensor r2 = r1;
        Tensor w = zero;
        Tensor w2 = zero;
        double oldb = 0;
        double beta = beta1;
        double dbar = 0;
        double epsln = 0;
        double phibar = beta1;
        double cs = -1;
        double sn = 0;
        for (int k = 1; k <= budget.maxIterations(); k++) {
            Tensor v = y.mul(1.0 / beta);
            y = a.apply(v);
            applications++;
            if (k >= 2) {
                y = y.sub(r1.mul(beta / oldb));
            }
            double alfa = v.dotValue(y);
            y = y.sub(r2.mul(alfa / beta));
            r1 = r2;
            r2 = y;
            oldb = beta;
            beta = r2.normValue();
            double oldeps = epsln;
            double delta = cs * dbar + sn * alfa;
            double gbar = sn * dbar - cs * alfa;
            epsln = sn * beta;
            dbar = -cs * beta;
            double gamma = Math.max(Math.hypot(gbar, beta), Double.MIN_NORMAL);
            cs = gbar / gamma;
            sn = beta / gamma;
            double phi = cs * phibar;
            phibar = sn * phibar;
            Tensor w1 = w2;
            w2 = w;
            w = v.sub(w1.mul(oldeps)).sub(w2.mul(delta)).mul(1.0 / gamma);
            Tensor previous = x;
            x = x.add(w.mul(phi));
            if (!x.isFinite() && Double.isFinite(alfa)) {
                // γ ≈ 0: the projected tridiagonal system is singular (1/γ overflows, to infinity in float32)
                return new LinearSolveResult(previous, Status.BREAKDOWN, k - 1, applications, 0, history.toArray(),
                        "singular projected system at iteration " + k + " (gamma " + gamma + "): the operator is "
                                + "singular on the Krylov space");
            }
            double residual = Math.abs(phibar);
            history.add(residual);
            if (SolveSupport.diverged(residual, beta1) || !Double.isFinite(alfa)) {
                return new LinearSolveResult(x, Status.DIVERGED, k, applications, 0, history.toArray(),
                        "non-finite Lanczos coefficients at iteration " + k);
            }
            boolean invariant = beta <= b.dtype().epsilon() * (Math.abs(alfa) + oldb);
            if (residual <= target || invariant) {
                // the estimate is exact only in exact arithmetic, and meaningless once Lanczos stalls on an
                // invariant space: confirm with the true residual before claiming convergence
                double trueResidual = b.sub(a.apply(x)).normValue();
                applications++;
                if (trueResidual <= threshold) {
                    return new LinearSolveResult(x, Status.CONVERGED, k, applications, 0, history.toArray(),
                            (invariant ? "Lanczos breakdown (invariant Krylov space), " : "") + "residual estimate "
                                    + residual + ", true residual " + trueResidual + " <= " + threshold);
                }
                if (invariant) {
                    // x is exact in the invariant space: it solves the system unless A is singular there
                    boolean solved = trueResidual <= Math.sqrt(b.dtype().epsilon()) * bNorm;
                    return new LinearSolveResult(x, solved ? Status.BUDGET_EXHAUSTED : Status.BREAKDOWN, k, applications, 0,
                            history.toArray(), "Lanczos breakdown (invariant Krylov space), true residual "
                                    + trueResidual + (solved ? ": solved to rounding, above the tolerance " + threshold
                                            : ": the operator is singular (or not symmetric) on the Krylov space"));
                }
                double floor = SolveSupport.roundingFloor(b, bNorm);
                if (residual <= floor) {
                    // the recurrence can go no lower: the true residual is the accuracy attainable in floating point
                    boolean attained = trueResidual <= Math.sqrt(b.dtype().epsilon()) * bNorm;
                    return new LinearSolveResult(x, attained ? Status.BUDGET_EXHAUSTED : Status.BREAKDOWN, k, applications,
                            0, history.toArray(), "tolerance " + threshold + " not attainable: the residual estimate "
                                    + residual + " reached rounding level with true residual " + trueResidual
                                    + (attained ? " (the attainable accuracy)"
                                            : ": the operator is singular (or not symmetric) on the Krylov space"));
                }
                // the recurrence has drifted from the true residual: go on until the estimate reaches rounding level
                target = floor;
            }
        }
        return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, budget.maxIterations(), applications, 0,
                history.toArray(), "budget of " + budget.maxIterations() + " iterations used");
    }

    @Override
    public String name() {
        return "minres";
    }
}
