package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Reference solver for small systems: assembles A column by column (n applications, n = number of unknowns)
 * and solves it by LU with partial pivoting on the backend. The budget and the starting point are ignored
 * ({@code residualNorms[0]} is ‖b‖). Cost O(n) applications plus
 * O(n³); used by AID-exact and by tests as the ground truth. A singular matrix (non-finite solution, or a
 * residual far above the 10 n ε (‖A‖‖x‖ + ‖b‖) of a backward-stable LU) gives BREAKDOWN.
 */
public final class DenseDirectSolver implements LinearSolver {

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        SolveSupport.start(b, x0);
        int n = b.size();
        Tensor[] rows = new Tensor[n];
        for (int j = 0; j < n; j++) {
            double[] e = new double[n];
            e[j] = 1.0;
            Tensor column = a.apply(b.backend().fromArray(e, b.shape(), b.dtype()));
            rows[j] = column.reshape(1, n);
        }
        Tensor matrix = n == 0 ? b.backend().zeros(0, 0) : Tensor.concat(0, rows).transpose();
        Tensor x = matrix.solve(b.reshape(n)).reshape(b.shape());
        double r0 = b.normValue();
        if (!x.isFinite()) {
            return new LinearSolveResult(b.backend().zeros(b.shape(), b.dtype()), Status.BREAKDOWN, 1, n, 0,
                    new double[] {r0, Double.NaN}, "the assembled matrix is singular");
        }
        double residual = b.sub(a.apply(x)).normValue();
        // backward-stable LU leaves a residual of order n eps (|A| |x| + |b|); far above that, A is numerically singular
        double expected = 10.0 * Math.max(n, 1) * b.dtype().epsilon() * (matrix.normValue() * x.normValue() + r0);
        boolean solved = residual <= expected;
        return new LinearSolveResult(x, solved ? Status.CONVERGED : Status.BREAKDOWN, 1, n + 1, 0,
                new double[] {r0, residual}, "dense LU on the assembled " + n + "x" + n + " matrix, residual "
                        + residual + (solved ? "" : " > " + expected + ": the matrix is numerically singular"));
    }

    @Override
    public String name() {
        return "exact";
    }
}
