package org.bilevel4j.algorithms.linalg;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.testkit.linalg.DenseMatrices.geometric;
import static org.bilevel4j.algorithms.TestMatrices.operator;
import static org.bilevel4j.algorithms.TestMatrices.orthogonal;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.bilevel4j.algorithms.TestMatrices.spd;
import static org.bilevel4j.algorithms.TestMatrices.symmetricWithSpectrum;
import static org.bilevel4j.algorithms.TestMatrices.withSingularValues;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.diagnostics.DivergenceMonitor;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Richardson iteration: the fixed-point method of AID-FP and gradient descent on the quadratic. */
class RichardsonSolverTest {

    /** A = I - M^T with ||M||_2 = q exactly (M = U diag(s) V^T, max s = q). */
    static Tensor contractionAdjoint(int n, double q, SplittableRandom rng) {
        Tensor m = withSingularValues(n, n, geometric(n, q / 20, q), rng);
        return B.identity(n).sub(m.transpose());
    }

    /**
     * Theorem 2.3 of Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient
     * Computation", ICML 2020: from v₀ = 0, ‖v_k - v‖ ≤ q^k ‖v‖.
     */
    @ParameterizedTest(name = "q = {0}")
    @ValueSource(doubles = {0.3, 0.7, 0.9, 0.99})
    void fixedPointObeysTheContractionBound(double q) {
        SplittableRandom rng = new SplittableRandom(71 + (long) (100 * q));
        int n = 20;
        Tensor a = contractionAdjoint(n, q, rng);
        Tensor b = randomVector(n, rng);
        Tensor exact = a.solve(b);
        double norm = exact.normValue();
        RichardsonSolver solver = RichardsonSolver.fixedPoint();
        for (int k = 0; k <= 60; k++) {
            LinearSolveResult r = solver.solve(operator(a, false), b, null, IterationBudget.exactly(k));
            assertEquals(k, r.iterations());
            assertEquals(k, r.operatorApplications());
            double error = r.solution().sub(exact).normValue();
            double bound = Math.pow(q, k) * norm + 1e-12 * norm;
            int kk = k;
            assertTrue(error <= bound, () -> "k = " + kk + ": " + error + " > " + bound);
        }
    }

    @Test
    void fixedPointIteratesArePartialSumsOfTheSeries() {
        // v_k = sum_{i<k} (M^T)^i b from v0 = 0
        SplittableRandom rng = new SplittableRandom(72);
        int n = 10;
        Tensor a = contractionAdjoint(n, 0.8, rng);
        Tensor mt = B.identity(n).sub(a);
        Tensor b = randomVector(n, rng);
        Tensor sum = B.zeros(n);
        Tensor term = b;
        for (int k = 0; k <= 12; k++) {
            LinearSolveResult r = RichardsonSolver.fixedPoint().solve(operator(a, false), b, null,
                    IterationBudget.exactly(k));
            assertTrue(r.solution().sub(sum).normValue() <= 1e-13 * b.normValue(), "k = " + k);
            // the tracked residual is the true residual
            assertEquals(b.sub(a.matmul(r.solution())).normValue(), r.finalResidual(), 1e-13 * b.normValue());
            sum = sum.add(term);
            term = mt.matmul(term);
        }
    }

    @Test
    void convergesToTheSolutionWithATolerance() {
        SplittableRandom rng = new SplittableRandom(73);
        int n = 20;
        Tensor a = contractionAdjoint(n, 0.6, rng);
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = RichardsonSolver.fixedPoint().solve(operator(a, false), b, null,
                IterationBudget.of(1000, 1e-12));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-10);
        assertTrue(r.finalResidual() <= 1e-12 * b.normValue());
        // the residual contracts at least by q = 0.6 per step: ||r_k|| <= q^k ||b||
        for (int k = 0; k < r.residualNorms().length; k++) {
            assertTrue(r.residualNorms()[k] <= Math.pow(0.6, k) * b.normValue() * (1 + 1e-10), "k = " + k);
        }
        assertEquals("fixed-point", RichardsonSolver.fixedPoint().name());
        assertEquals(1.0, RichardsonSolver.fixedPoint().relaxation());
    }

    @ParameterizedTest(name = "spectral radius = {0}")
    @ValueSource(doubles = {1.2, 2, 10})
    void reportsDivergenceWhenTheMapIsNotAContraction(double radius) {
        SplittableRandom rng = new SplittableRandom(74);
        int n = 15;
        // M = radius * Q with Q orthogonal: every eigenvalue of M has modulus radius > 1
        Tensor a = B.identity(n).sub(orthogonal(n, rng).mul(radius).transpose());
        Tensor b = randomVector(n, rng);
        LinearSolveResult r = RichardsonSolver.fixedPoint().solve(operator(a, false), b, null,
                IterationBudget.of(5000, 1e-12));
        assertEquals(Status.DIVERGED, r.status(), r::toString);
        assertTrue(r.iterations() < 5000);
        // a millionfold growth at rate 'radius' takes about log(1e6)/log(radius) steps
        double growth = DivergenceMonitor.GROWTH_FACTOR;
        assertTrue(r.iterations() <= Math.ceil(Math.log(growth) / Math.log(radius)) + 20, r::toString);
        assertTrue(r.finalResidual() > growth * r.residualNorms()[0], r::toString);
    }

    @Test
    void aSpectralRadiusAboveOneDivergesEvenWhenMostOfTheSpectrumContracts() {
        SplittableRandom rng = new SplittableRandom(75);
        int n = 15;
        double[] eigs = geometric(n, 0.1, 0.5);
        eigs[n - 1] = 1.5;
        Tensor m = symmetricWithSpectrum(eigs, rng);
        Tensor a = B.identity(n).sub(m);
        LinearSolveResult r = RichardsonSolver.fixedPoint().solve(operator(a, true), randomVector(n, rng), null,
                IterationBudget.of(5000, 1e-12));
        assertEquals(Status.DIVERGED, r.status(), r::toString);
    }

    @ParameterizedTest(name = "kappa = {0}")
    @ValueSource(doubles = {1, 5, 30})
    void gradientDescentWithTheOptimalStepConverges(double kappa) {
        SplittableRandom rng = new SplittableRandom(76 + (long) kappa);
        int n = 20;
        double mu = 0.5;
        double l = mu * kappa;
        Tensor a = spd(n, kappa, rng).mul(mu);
        Tensor b = randomVector(n, rng);
        double step = 2 / (mu + l);
        LinearSolveResult r = RichardsonSolver.gradientDescent(step).solve(operator(a, true), b, null,
                IterationBudget.of(5000, 1e-12));
        assertEquals(Status.CONVERGED, r.status(), r::toString);
        assertTrue(relativeError(r.solution(), a.solve(b)) <= 1e-9);
        // the residual contracts by (kappa - 1)/(kappa + 1) per step
        double q = (kappa - 1) / (kappa + 1);
        for (int k = 0; k < r.residualNorms().length; k++) {
            assertTrue(r.residualNorms()[k] <= (Math.pow(q, k) * (1 + 1e-10) + 1e-13) * b.normValue(), "k = " + k);
        }
        assertEquals(step, RichardsonSolver.gradientDescent(step).relaxation());
    }

    @Test
    void gradientDescentStepsAreXPlusStepTimesResidual() {
        SplittableRandom rng = new SplittableRandom(77);
        Tensor a = spd(8, 4, rng);
        Tensor b = randomVector(8, rng);
        Tensor x0 = randomVector(8, rng);
        double step = 0.3;
        Tensor x = x0;
        for (int k = 0; k <= 5; k++) {
            LinearSolveResult r = RichardsonSolver.gradientDescent(step).solve(operator(a, true), b, x0,
                    IterationBudget.exactly(k));
            assertTrue(r.solution().sub(x).normValue() <= 1e-13 * x.normValue(), "k = " + k);
            assertEquals(k + 1, r.operatorApplications(), "x0 given: one more application");
            x = x.add(b.sub(a.matmul(x)).mul(step));
        }
    }

    @Test
    void gradientDescentWithTooLargeAStepDiverges() {
        SplittableRandom rng = new SplittableRandom(78);
        Tensor a = spd(10, 10, rng); // L = 10
        LinearSolveResult r = RichardsonSolver.gradientDescent(0.3).solve(operator(a, true), randomVector(10, rng),
                null, IterationBudget.of(2000, 1e-12));
        assertEquals(Status.DIVERGED, r.status(), r::toString);
    }

    @Test
    void rejectsNonPositiveRelaxation() {
        assertThrows(IllegalArgumentException.class, () -> new RichardsonSolver(0));
        assertThrows(IllegalArgumentException.class, () -> new RichardsonSolver(-1));
        assertThrows(IllegalArgumentException.class, () -> RichardsonSolver.gradientDescent(Double.NaN));
        assertThrows(IllegalArgumentException.class,
                () -> RichardsonSolver.gradientDescent(Double.POSITIVE_INFINITY));
    }
}
