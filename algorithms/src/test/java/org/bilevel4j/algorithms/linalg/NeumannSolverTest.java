package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.testkit.linalg.DenseMatrices.geometric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.orthogonal;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.algorithms.TestMatrices.withSingularValues;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The truncated Neumann series, against the fixed-point iteration and its tail bound. */
class NeumannSolverTest {

    /** A with ||I - A||_2 = q exactly. */
    static Tensor nearIdentity(int n, double q, SplittableRandom rng) {
        return B.identity(n).sub(withSingularValues(n, n, geometric(n, q / 10, q), rng));
    }

    @ParameterizedTest(name = "q = {0}")
    @ValueSource(doubles = {0.4, 0.9})
    void kApplicationsEqualFixedPointWithKPlusOneIterations(double q) {
        SplittableRandom rng = new SplittableRandom(81);
        int n = 15;
        Tensor a = nearIdentity(n, q, rng);
        Tensor b = randomVector(n, rng);
        for (int k = 0; k <= 10; k++) {
            LinearSolveResult neumann = new NeumannSolver().solve(operator(a, false), b, null,
                    IterationBudget.exactly(k));
            LinearSolveResult fp = RichardsonSolver.fixedPoint().solve(operator(a, false), b, null,
                    IterationBudget.exactly(k + 1));
            assertEquals(k, neumann.operatorApplications(), "the budget counts applications");
            assertEquals(k, neumann.iterations());
            double diff = neumann.solution().sub(fp.solution()).normValue();
            assertTrue(diff <= 1e-12 * fp.solution().normValue(), "K = " + k + ": " + diff);
        }
    }

    @Test
    void residualHistoryIsTheResidualOfThePartialSums() {
        // residualNorms[i] = ||b - A x_i|| with x_i the sum of the first i terms = the i-th fixed-point iterate
        SplittableRandom rng = new SplittableRandom(82);
        int n = 12;
        Tensor a = nearIdentity(n, 0.7, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult neumann = new NeumannSolver().solve(operator(a, false), b, null, IterationBudget.exactly(9));
        LinearSolveResult fp = RichardsonSolver.fixedPoint().solve(operator(a, false), b, null,
                IterationBudget.exactly(9));
        assertEquals(10, neumann.residualNorms().length);
        assertArrayEquals(fp.residualNorms(), neumann.residualNorms(), 1e-12 * b.normValue());
    }

    /** ||x_K - x*|| ≤ q^(K+1) / (1 - q) ||b|| when ||I - A|| ≤ q. */
    @ParameterizedTest(name = "q = {0}")
    @ValueSource(doubles = {0.2, 0.5, 0.8, 0.95})
    void tailObeysTheGeometricBound(double q) {
        SplittableRandom rng = new SplittableRandom(83 + (long) (q * 100));
        int n = 20;
        Tensor a = nearIdentity(n, q, rng);
        Tensor b = randomVector(n, rng);
        Tensor exact = a.solve(b);
        for (int k = 0; k <= 40; k++) {
            LinearSolveResult r = new NeumannSolver().solve(operator(a, false), b, null, IterationBudget.exactly(k));
            double error = r.solution().sub(exact).normValue();
            double bound = Math.pow(q, k + 1) / (1 - q) * b.normValue() + 1e-12 * exact.normValue();
            int kk = k;
            assertTrue(error <= bound, () -> "K = " + kk + ": " + error + " > " + bound);
        }
    }

    @Test
    void stopsOnceATermIsBelowTheTolerance() {
        SplittableRandom rng = new SplittableRandom(84);
        int n = 15;
        Tensor a = nearIdentity(n, 0.5, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new NeumannSolver().solve(operator(a, false), b, null, IterationBudget.of(500, 1e-10));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(r.finalResidual() <= 1e-10 * b.normValue());
        // terms shrink at least by q = 0.5: about log2(1e10) = 34 of them
        assertTrue(r.iterations() <= 34, r::toString);
        assertTrue(r.solution().sub(a.solve(b)).normValue() <= 1e-10 * b.normValue() / (1 - 0.5));
    }

    @Test
    void growingTermsAreReportedAsDivergence() {
        SplittableRandom rng = new SplittableRandom(85);
        int n = 10;
        Tensor a = B.identity(n).sub(orthogonal(n, rng).mul(1.5));
        LinearSolveResult r = new NeumannSolver().solve(operator(a, false), randomVector(n, rng), null,
                IterationBudget.of(1000, 1e-12));
        assertEquals(Status.DIVERGED, r.status(), r::toString);
        assertTrue(r.message().contains("spectral radius"), r::message);
    }
}
