package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Restarted GMRES(m) (Saad &amp; Schultz, 1986) for A x = b with A non-symmetric: the adjoint system of equilibrium
 * models and other maps whose Jacobian is not symmetric.
 *
 * <p>One iteration: one application of A and one modified Gram–Schmidt step of the Arnoldi process, then a
 * Givens rotation that updates the least-squares residual; every {@code restart} iterations the correction is
 * formed and the Krylov basis is discarded (memory: restart + 1 vectors). Within a cycle the residual never
 * increases. Stopping rule: the least-squares residual ≤ max(rtol‖b‖, atol, ε‖b‖), or the budget. An Arnoldi
 * breakdown (a numerically zero new basis vector) means the solution is exact in the current space: CONVERGED if
 * the residual meets the tolerance, BUDGET_EXHAUSTED if it is only within √ε‖b‖ (solved to rounding), otherwise A
 * is singular there and the status is BREAKDOWN.
 */
public final class GmresSolver implements LinearSolver {
    private final int restart;

    /** GMRES(30). */
    public GmresSolver() {
        this(30);
    }

    /**
     * @param restart Krylov dimension m between restarts, ≥ 1
     */
    public GmresSolver(int restart) {
        if (restart < 1) {
            throw new IllegalArgumentException("restart: expected >= 1, got " + restart);
        }
        this.restart = restart;
    }

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        Tensor x = SolveSupport.start(b, x0);
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        double bNorm = b.normValue();
        double threshold = Math.max(budget.threshold(bNorm), SolveSupport.roundingFloor(b, bNorm));
        int done = 0;
        double initial = Double.NaN;
        while (true) {
            Tensor r = b;
            if (done > 0 || x0 != null) {
                r = b.sub(a.apply(x));
                applications++;
            }
            double beta = r.normValue();
            if (done == 0) {
                initial = beta;
                history.add(beta);
            }
            if (beta <= threshold || beta == 0) {
                return new LinearSolveResult(x, Status.CONVERGED, done, applications, 0, history.toArray(),
                        "residual " + beta + " <= " + threshold);
            }
            if (done >= budget.maxIterations()) {
                return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, done, applications, 0, history.toArray(),
                        "budget of " + budget.maxIterations() + " iterations used");
            }
            int m = Math.min(restart, budget.maxIterations() - done);
            Tensor[] basis = new Tensor[m + 1];
            double[][] h = new double[m + 1][m];
            double[] cs = new double[m];
            double[] sn = new double[m];
            double[] g = new double[m + 1];
            g[0] = beta;
            basis[0] = r.mul(1.0 / beta);
            int j = 0;
            boolean breakdown = false;
            double residual = beta;
            while (j < m) {
                Tensor w = a.apply(basis[j]);
                applications++;
                for (int i = 0; i <= j; i++) {
                    h[i][j] = w.dotValue(basis[i]);
                    w = w.sub(basis[i].mul(h[i][j]));
                }
                h[j + 1][j] = w.normValue();
                for (int i = 0; i < j; i++) {
                    double t = cs[i] * h[i][j] + sn[i] * h[i + 1][j];
                    h[i + 1][j] = -sn[i] * h[i][j] + cs[i] * h[i + 1][j];
                    h[i][j] = t;
                }
                double rho = Math.hypot(h[j][j], h[j + 1][j]);
                cs[j] = rho == 0 ? 1 : h[j][j] / rho;
                sn[j] = rho == 0 ? 0 : h[j + 1][j] / rho;
                double hNext = h[j + 1][j];
                h[j][j] = rho;
                h[j + 1][j] = 0;
                g[j + 1] = -sn[j] * g[j];
                g[j] = cs[j] * g[j];
                residual = Math.abs(g[j + 1]);
                history.add(residual);
                j++;
                if (!Double.isFinite(residual) || SolveSupport.diverged(residual, initial)) {
                    return new LinearSolveResult(x, Status.DIVERGED, done + j, applications, 0, history.toArray(),
                            "non-finite Arnoldi coefficients at iteration " + (done + j));
                }
                if (residual <= threshold) {
                    break;
                }
                if (hNext <= 1e-14 * rho || hNext == 0) {
                    breakdown = true;
                    break;
                }
                basis[j] = w.mul(1.0 / hNext);
            }
            // back substitution for the upper-triangular least-squares system
            double[] y = new double[j];
            boolean singular = false;
            for (int i = j - 1; i >= 0; i--) {
                double s = g[i];
                for (int k = i + 1; k < j; k++) {
                    s -= h[i][k] * y[k];
                }
                if (h[i][i] == 0) {
                    singular = true;
                    y[i] = 0;
                } else {
                    y[i] = s / h[i][i];
                }
            }
            for (int i = 0; i < j; i++) {
                x = x.add(basis[i].mul(y[i]));
            }
            done += j;
            if (breakdown || singular) {
                // the Krylov space is invariant: x is the exact least-squares solution in it, so a residual above
                // rounding level means A is singular there
                boolean exact = !singular && residual <= Math.max(threshold, Math.sqrt(b.dtype().epsilon()) * bNorm);
                Status status = !exact ? Status.BREAKDOWN
                        : residual <= threshold ? Status.CONVERGED : Status.BUDGET_EXHAUSTED;
                return new LinearSolveResult(x, status, done, applications, 0, history.toArray(),
                        "Arnoldi breakdown (invariant Krylov space) at iteration " + done + " with residual "
                                + residual + (!exact ? ": the operator is singular on the Krylov space"
                                        : status == Status.CONVERGED ? ": solved"
                                                : ": solved to rounding, above the tolerance " + threshold));
            }
        }
    }

    @Override
    public String name() {
        return "gmres(" + restart + ")";
    }
}
