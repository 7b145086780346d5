package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.CountingOperator;
import static org.bilevel4j.algorithms.TestMatrices.nonSymmetric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.shiftedRandom;
import static org.bilevel4j.algorithms.TestMatrices.withTranspose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Restarted GMRES on non-symmetric systems. */
class GmresSolverTest {

    @ParameterizedTest(name = "kappa = {0}")
    @ValueSource(doubles = {1, 10, 100, 1000})
    void fullGmresConvergesWithinNIterations(double kappa) {
        SplittableRandom rng = new SplittableRandom(51 + (long) kappa);
        int n = 30;
        Tensor a = nonSymmetric(n, kappa, rng);
        Tensor b = randomVector(n, rng);
        CountingOperator op = new CountingOperator(operator(a, false));
        LinearSolveResult r = new GmresSolver(n).solve(op, b, null, IterationBudget.of(200, 1e-12));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= Math.max(1e-9, 1e-11 * kappa), r::toString);
        assertTrue(r.iterations() <= n, r::toString);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        assertEquals(b.normValue(), r.residualNorms()[0], 1e-14 * b.normValue());
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        assertTrue(Math.abs(trueResidual - r.finalResidual()) <= 1e-8 * b.normValue());
        assertEquals(op.applications, r.operatorApplications());
        assertEquals(0, r.transposeApplications());
        // one application per Arnoldi step, plus the true residual b - Ax formed after each cycle
        assertTrue(r.operatorApplications() <= r.iterations() + 2, r::toString);
    }

    @Test
    void restartedGmres5ConvergesOnAWellConditionedSystem() {
        SplittableRandom rng = new SplittableRandom(52);
        int n = 30;
        Tensor a = shiftedRandom(n, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new GmresSolver(5).solve(operator(a, false), b, null, IterationBudget.of(2000, 1e-12));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-9, r::toString);
        assertTrue(r.iterations() > 5, "needs more than one cycle");
        assertEquals("gmres(5)", new GmresSolver(5).name());
    }

    @ParameterizedTest(name = "restart = {0}")
    @CsvSource({"1", "4", "10", "17"})
    void residualHistoryNeverIncreasesWithinACycle(int restart) {
        SplittableRandom rng = new SplittableRandom(53 + restart);
        int n = 40;
        Tensor a = nonSymmetric(n, 100, rng);
        Tensor b = randomVector(n, rng);
        int budget = 3 * restart + 2;
        LinearSolveResult r = new GmresSolver(restart).solve(operator(a, false), b, randomVector(n, rng),
                IterationBudget.exactly(budget));
        double[] h = r.residualNorms();
        assertEquals(budget + 1, h.length, r::toString);
        for (int k = 1; k < h.length; k++) {
            boolean firstOfCycle = (k - 1) % restart == 0;
            if (!firstOfCycle) {
                assertTrue(h[k] <= h[k - 1] * (1 + 1e-12), "k = " + k + ": " + h[k] + " > " + h[k - 1]);
            } else {
                // a new cycle starts from the true residual, equal to the previous estimate up to rounding
                assertTrue(h[k] <= h[k - 1] * (1 + 1e-8), "k = " + k);
            }
        }
    }

    @Test
    void firstIterateMinimisesTheResidualAlongB() {
        // x1 = t b with t = b'Ab / ||Ab||^2 minimising ||b - tAb||
        SplittableRandom rng = new SplittableRandom(54);
        Tensor a = nonSymmetric(10, 5, rng);
        Tensor b = randomVector(10, rng);
        LinearSolveResult r = new GmresSolver().solve(operator(a, false), b, null, IterationBudget.exactly(1));
        Tensor ab = a.matmul(b);
        Tensor expected = b.mul(b.dotValue(ab) / ab.dotValue(ab));
        assertTrue(relativeError(r.solution(), expected) <= 1e-13, r::toString);
        assertEquals(b.sub(a.matmul(expected)).normValue(), r.residualNorms()[1], 1e-12 * b.normValue());
    }

    /**
     * With tolerance 0 (an exact budget, the setting of {@code AidEstimator.gmres(t, k)}), a budget of k ≥ n lets the
     * Krylov space become invariant. This is the "lucky" Arnoldi breakdown: the solution is exact. The solver
     * nevertheless reports BREAKDOWN ("the operator is singular on the Krylov space") for a well-conditioned,
     * non-singular A, because its test {@code residual > threshold} compares a rounding-level residual (~1e-16)
     * with the threshold 0. BREAKDOWN is a failure status: estimators and the outer loop discard such a result.
     */
    @Test
    void exactBudgetLargerThanTheDimensionIsNotAFailure() {
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (int n : new int[] {5, 8, 10, 12}) {
            for (double kappa : new double[] {1, 10, 1000}) {
                for (long seed = 0; seed < 5; seed++) {
                    SplittableRandom rng = new SplittableRandom(1000 * seed + n);
                    Tensor a = nonSymmetric(n, kappa, rng);
                    Tensor b = randomVector(n, rng);
                    LinearSolveResult r = new GmresSolver().solve(operator(a, false), b, null,
                            IterationBudget.exactly(50));
                    cases++;
                    assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-13 * kappa, r::toString);
                    if (r.status().isFailure()) {
                        failures.add("n = " + n + ", kappa = " + kappa + ", seed = " + seed + ": error "
                                + relativeError(r.solution(), a.solve(b)) + ", " + r);
                    }
                }
            }
        }
        int total = cases;
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + total + " non-singular systems, solved to "
                + "rounding, were reported as failures; first: " + failures.get(0));
    }

    @Test
    void scaledIdentityWithAnExactBudgetIsNotAFailure() {
        SplittableRandom rng = new SplittableRandom(56);
        Tensor b = randomVector(6, rng);
        LinearSolveResult r = new GmresSolver().solve(operator(B.identity(6).mul(2), false), b, null,
                IterationBudget.exactly(10));
        assertTrue(relativeError(r.solution(), b.mul(0.5)) <= 1e-14, r::toString);
        assertFalse(r.status().isFailure(), r::toString);
    }

    @Test
    void singularSystemIsNotReportedAsConverged() {
        Tensor a = B.matrix(new double[][] {{1, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 0}});
        Tensor b = B.vector(1, 1, 1, 1);
        for (double tolerance : new double[] {0.1, 1e-2, 1e-6}) {
            LinearSolveResult r = new GmresSolver(10).solve(operator(a, false), b, null,
                    IterationBudget.of(100, tolerance));
            assertFalse(r.status() == Status.CONVERGED, r::toString);
        }
    }

    @Test
    void rejectsAnEmptyRestart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GmresSolver(0));
        assertTrue(e.getMessage().contains("restart"));
    }

    @Test
    void usesNoTranspose() {
        SplittableRandom rng = new SplittableRandom(57);
        Tensor a = shiftedRandom(12, rng);
        CountingOperator op = new CountingOperator(withTranspose(a));
        LinearSolveResult r = new GmresSolver().solve(op, randomVector(12, rng), null, IterationBudget.of(100, 1e-10));
        assertEquals(Status.CONVERGED, r.status());
        assertEquals(0, op.transposes);
    }
}
