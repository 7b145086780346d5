package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Chooses the solver from what is declared about the operator: conjugate gradients when A is declared
 * symmetric (positive definite is then assumed), falling back to MINRES from CG's last iterate when CG meets
 * non-positive curvature (A symmetric but indefinite); GMRES when A is not symmetric. The fallback shares the
 * budget and is reported in the message and the counts.
 */
public final class AutoLinearSolver implements LinearSolver {
    private final LinearSolver symmetric = new ConjugateGradientSolver();
    private final LinearSolver indefinite = new MinresSolver();
    private final LinearSolver general = new GmresSolver();

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        if (!a.isSymmetric()) {
            LinearSolveResult r = general.solve(a, b, x0, budget);
            return relabel(r, "gmres (operator not symmetric): " + r.message());
        }
        LinearSolveResult cg = symmetric.solve(a, b, x0, budget);
        if (cg.status() != Status.BREAKDOWN) {
            return relabel(cg, "cg (operator symmetric): " + cg.message());
        }
        IterationBudget rest = new IterationBudget(Math.max(0, budget.maxIterations() - cg.iterations()),
                budget.relativeTolerance(), budget.absoluteTolerance());
        LinearSolveResult m = indefinite.solve(a, b, cg.iterations() == 0 ? x0 : cg.solution(), rest);
        double[] history = new double[cg.residualNorms().length + m.residualNorms().length - 1];
        System.arraycopy(cg.residualNorms(), 0, history, 0, cg.residualNorms().length);
        System.arraycopy(m.residualNorms(), 1, history, cg.residualNorms().length, m.residualNorms().length - 1);
        return new LinearSolveResult(m.solution(), m.status(), cg.iterations() + m.iterations(),
                cg.operatorApplications() + m.operatorApplications(), 0, history,
                "cg broke down (" + cg.message() + "), continued with minres: " + m.message());
    }

    private static LinearSolveResult relabel(LinearSolveResult r, String message) {
        return new LinearSolveResult(r.solution(), r.status(), r.iterations(), r.operatorApplications(),
                r.transposeApplications(), r.residualNorms(), message);
    }

    @Override
    public String name() {
        return "auto";
    }
}
