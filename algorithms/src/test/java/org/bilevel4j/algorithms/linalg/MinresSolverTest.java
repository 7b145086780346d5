package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricIndefinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** MINRES on symmetric matrices, definite and indefinite. */
class MinresSolverTest {

    @ParameterizedTest(name = "indefinite = {0}, kappa = {1}")
    @CsvSource({"true, 10", "true, 100", "true, 1000", "false, 10", "false, 1000", "false, 10000"})
    void convergesOnSymmetricSystems(boolean indefinite, double kappa) {
        SplittableRandom rng = new SplittableRandom(41 + (long) kappa + (indefinite ? 7 : 0));
        int n = 30;
        Tensor a = indefinite ? symmetricIndefinite(n, kappa, rng) : spd(n, kappa, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new MinresSolver().solve(operator(a, true), b, null, IterationBudget.of(3000, 1e-12));

        // CONVERGED only if the true residual meets 1e-12; at κ = 1e4 it may not be attainable, and then says so
        double trueRelative = b.sub(a.matmul(r.solution())).normValue() / b.normValue();
        if (trueRelative <= 1e-12) {
            assertEquals(Status.CONVERGED, r.status(), r::toString);
        } else {
            assertEquals(Status.BUDGET_EXHAUSTED, r.status(), r::toString);
            assertTrue(r.message().contains("not attainable") && trueRelative <= 1e-7, r::toString);
        }
        double tolerance = Math.max(1e-9, 1e-11 * kappa);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= tolerance,
                () -> relativeError(r.solution(), a.solve(b)) + " " + r);
        assertTrue(r.operatorApplications() >= r.iterations() + 1 && r.operatorApplications() <= r.iterations() + 2,
                "one application per iteration plus one per confirmation of the true residual: " + r);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        assertEquals(b.normValue(), r.residualNorms()[0], 1e-14 * b.normValue());
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        assertTrue(Math.abs(trueResidual - r.finalResidual()) <= 1e-8 * b.normValue(),
                () -> "true " + trueResidual + " tracked " + r.finalResidual());
    }

    @ParameterizedTest(name = "indefinite = {0}, seed = {1}")
    @CsvSource({"true, 1", "true, 2", "false, 3", "false, 4"})
    void residualHistoryNeverIncreases(boolean indefinite, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 40;
        Tensor a = indefinite ? symmetricIndefinite(n, 200, rng) : spd(n, 1000, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new MinresSolver().solve(operator(a, true), b, randomVector(n, rng),
                IterationBudget.exactly(60));
        double[] h = r.residualNorms();
        assertEquals(61, h.length, r::toString);
        for (int k = 1; k < h.length; k++) {
            assertTrue(h[k] <= h[k - 1] * (1 + 1e-12), "k = " + k + ": " + h[k] + " > " + h[k - 1]);
        }
    }

    @Test
    void residualEstimateMatchesTheTrueResidualAlongTheWay() {
        // the estimate phibar_k is the exact residual of x_k in exact arithmetic; well before convergence rounding
        // has not separated them yet
        SplittableRandom rng = new SplittableRandom(45);
        int n = 30;
        Tensor a = symmetricIndefinite(n, 50, rng);
        Tensor b = randomVector(n, rng);
        for (int k : new int[] {1, 3, 8, 15}) {
            LinearSolveResult r = new MinresSolver().solve(operator(a, true), b, null, IterationBudget.exactly(k));
            double trueResidual = b.sub(a.matmul(r.solution())).normValue();
            assertEquals(trueResidual, r.finalResidual(), 1e-10 * b.normValue(), "k = " + k);
        }
    }

    @Test
    void warmStartCostsOneMoreApplication() {
        SplittableRandom rng = new SplittableRandom(46);
        Tensor a = symmetricIndefinite(20, 10, rng);
        Tensor b = randomVector(20, rng);
        LinearSolveResult r = new MinresSolver().solve(operator(a, true), b, randomVector(20, rng),
                IterationBudget.exactly(6));
        assertEquals(6, r.iterations());
        assertEquals(7, r.operatorApplications());
    }

    /**
     * The javadoc promises BREAKDOWN for "an invariant Krylov space on which A is singular", and an estimate that
     * is "exact in exact arithmetic". On A = diag(1, 2, 3, 0), b = (1, 1, 1, 1) the smallest attainable residual is
     * 1 (the component of b in the null space), yet the solver reports CONVERGED once its estimate drops below
     * 0.1 ||b|| = 0.2, while the true residual of the returned x is about 1.86.
     */
    @Test
    void doesNotReportConvergenceOnASingularInconsistentSystem() {
        Tensor a = B.matrix(new double[][] {{1, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 0}});
        Tensor b = B.vector(1, 1, 1, 1);
        IterationBudget budget = IterationBudget.of(100, 0.1);
        LinearSolveResult r = new MinresSolver().solve(operator(a, true), b, null, budget);
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        // no x has ||b - Ax|| < 1
        assertTrue(trueResidual >= 1 - 1e-12);
        assertFalse(r.status() == Status.CONVERGED, () -> "reported CONVERGED with true residual " + trueResidual
                + " > threshold " + budget.threshold(b.normValue()) + ": " + r);
        assertEquals(Status.BREAKDOWN, r.status(), "documented: singular on an invariant Krylov space");
    }
}
