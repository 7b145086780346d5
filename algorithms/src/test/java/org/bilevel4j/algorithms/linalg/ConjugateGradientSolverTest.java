package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricIndefinite;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Conjugate gradients on SPD matrices Q diag(eigs) Q^T of known condition number, and on indefinite ones. */
class ConjugateGradientSolverTest {

    @ParameterizedTest(name = "kappa = {0}")
    @ValueSource(doubles = {1, 10, 1e2, 1e3, 1e4})
    void convergesForConditionNumbersUpTo1e4(double kappa) {
        SplittableRandom rng = new SplittableRandom(11 + (long) kappa);
        int n = 30;
        Tensor a = spd(n, kappa, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.of(2000, 1e-12));

        assertEquals(Status.CONVERGED, r.status(), r::toString);
        // ||x - x*|| / ||x*|| <= kappa ||r|| / ||b||: 1e-9 up to kappa = 100, kappa * 1e-11 beyond
        double tolerance = Math.max(1e-9, 1e-11 * kappa);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= tolerance,
                () -> "error " + relativeError(r.solution(), a.solve(b)) + " " + r);
        assertEquals(r.iterations() + 1, r.operatorApplications(),
                "one application per iteration from x0 = null, and one to confirm the true residual");
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        double trueResidual = b.sub(a.matmul(r.solution())).normValue();
        assertTrue(Math.abs(trueResidual - r.finalResidual()) <= 1e-8 * b.normValue());
        // in exact arithmetic CG terminates in n steps; rounding (loss of orthogonality) costs more
        assertTrue(r.iterations() <= (kappa <= 100 ? 3 * n : 20 * n), r::toString);
    }

    @Test
    void givenStartingPointCostsOneMoreApplication() {
        SplittableRandom rng = new SplittableRandom(21);
        Tensor a = spd(25, 50, rng);
        Tensor b = randomVector(25, rng);
        Tensor x0 = randomVector(25, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, x0,
                IterationBudget.of(500, 1e-12));
        assertEquals(Status.CONVERGED, r.status());
        assertEquals(r.iterations() + 2, r.operatorApplications(), "one for the initial residual, one to confirm");
        assertEquals(b.sub(a.matmul(x0)).normValue(), r.residualNorms()[0], 1e-12 * b.normValue());

        LinearSolveResult exact = new ConjugateGradientSolver().solve(operator(a, true), b, x0,
                IterationBudget.exactly(9));
        assertEquals(9, exact.iterations());
        assertEquals(10, exact.operatorApplications());
    }

    @Test
    void firstIterateIsTheExactLineSearchAlongB() {
        // x1 = (b'b / b'Ab) b: the first step of steepest descent from 0
        SplittableRandom rng = new SplittableRandom(22);
        Tensor a = spd(12, 30, rng);
        Tensor b = randomVector(12, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.exactly(1));
        Tensor expected = b.mul(b.dotValue(b) / b.dotValue(a.matmul(b)));
        assertTrue(relativeError(r.solution(), expected) <= 1e-14, r::toString);
        assertEquals(b.sub(a.matmul(expected)).normValue(), r.residualNorms()[1], 1e-12 * b.normValue());
    }

    /**
     * Eq. (17): ||x_k - x*|| ≤ 2 sqrt(kappa) ((sqrt(kappa) - 1)/(sqrt(kappa) + 1))^k ||x0 - x*||, for every k, with
     * the exact-count budget of k iterations.
     */
    @ParameterizedTest(name = "kappa = {0}, seed = {1}")
    @CsvSource({"2, 1", "10, 2", "100, 3", "1000, 4", "1000, 5", "37, 6"})
    void obeysTheConvergenceRateBound(double kappa, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 50;
        Tensor a = spd(n, kappa, rng);
        Tensor b = randomVector(n, rng);
        Tensor x0 = randomVector(n, rng).mul(3);
        Tensor exact = a.solve(b);
        double initialError = x0.sub(exact).normValue();
        double sk = Math.sqrt(kappa);
        double rate = (sk - 1) / (sk + 1);
        LinearSolver cg = new ConjugateGradientSolver();
        for (int k = 0; k <= 40; k++) {
            LinearSolveResult r = cg.solve(operator(a, true), b, x0, IterationBudget.exactly(k));
            // exactly k iterations, unless the recurrence reached rounding level (||r|| <= eps ||b||) before: then
            // the true residual decides, CONVERGED only if it is at rounding level too
            assertTrue(r.iterations() == k || r.iterations() < k && r.finalResidual() <= 1e-15 * b.normValue()
                    && (r.status() == Status.CONVERGED || r.message().contains("not attainable")), r::toString);
            double error = r.solution().sub(exact).normValue();
            double bound = 2 * sk * Math.pow(rate, k) * initialError + 1e-12 * exact.normValue();
            int kk = k;
            assertTrue(error <= bound, () -> "k = " + kk + ": error " + error + " > bound " + bound);
        }
    }

    @Test
    void errorInTheANormNeverIncreases() {
        // CG minimises the A-norm of the error over growing Krylov spaces
        SplittableRandom rng = new SplittableRandom(23);
        int n = 40;
        Tensor a = spd(n, 500, rng);
        Tensor b = randomVector(n, rng);
        Tensor exact = a.solve(b);
        double previous = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= 30; k++) {
            Tensor e = new ConjugateGradientSolver().solve(operator(a, true), b, null, IterationBudget.exactly(k))
                    .solution().sub(exact);
            double aNorm = Math.sqrt(e.dotValue(a.matmul(e)));
            assertTrue(aNorm <= previous * (1 + 1e-10) + 1e-13, "k = " + k);
            previous = aNorm;
        }
    }

    @Test
    void scaledIdentityConvergesInOneIterationEvenWithAnExactBudget() {
        SplittableRandom rng = new SplittableRandom(24);
        Tensor a = B.identity(8).mul(2);
        Tensor b = randomVector(8, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.exactly(10));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertEquals(1, r.iterations());
        assertTrue(relativeError(r.solution(), b.mul(0.5)) <= 1e-15);
    }

    @ParameterizedTest(name = "seed = {0}")
    @ValueSource(longs = {31, 32, 33})
    void reportsBreakdownOnASymmetricIndefiniteMatrix(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 20;
        Tensor a = symmetricIndefinite(n, 10, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.of(500, 1e-12));

        assertEquals(Status.BREAKDOWN, r.status(), r::toString);
        assertTrue(r.message().contains("not positive definite"), r::message);
        assertTrue(r.message().contains("curvature"), r::message);
        assertTrue(r.solution().isFinite());
        // by Sylvester's law of inertia the Lanczos pivots turn non-positive within n steps
        assertTrue(r.iterations() < n, r::toString);
        assertEquals(r.iterations() + 1, r.residualNorms().length);
        assertEquals(r.iterations() + 1, r.operatorApplications(), "the breaking application is counted");
    }

    @Test
    void negativeDefiniteMatrixBreaksDownAtTheFirstIteration() {
        SplittableRandom rng = new SplittableRandom(34);
        Tensor a = spd(10, 5, rng).neg();
        Tensor b = randomVector(10, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(operator(a, true), b, null,
                IterationBudget.of(100, 1e-10));
        assertEquals(Status.BREAKDOWN, r.status());
        assertEquals(0, r.iterations());
        assertEquals(0.0, r.solution().normValue(), "the last iterate is the start");
    }

    @Test
    void refusesAnOperatorNotDeclaredSymmetricBeforeAnyWork() {
        SplittableRandom rng = new SplittableRandom(35);
        Tensor a = spd(10, 5, rng);
        Tensor b = randomVector(10, rng);
        LinearSolveResult r = new ConjugateGradientSolver().solve(LinearOperator.of(a::matmul, false), b, null,
                IterationBudget.of(100, 1e-10));
        assertEquals(Status.BREAKDOWN, r.status());
        assertEquals(0, r.operatorApplications());
        assertTrue(r.message().contains("not declared symmetric") && r.message().contains("GMRES"), r::message);
    }
}
