package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.bilevel4j.testkit.problems.QuadraticBilevelErm;
import org.junit.jupiter.api.Test;

/**
 * The sampled oracles of a finite-sum bilevel problem against closed forms computed in double arithmetic, its
 * full-batch view against a deterministic estimator, and bad input.
 */
class FiniteSumProblemTest {
    private final QuadraticBilevelErm q = QuadraticBilevelErm.gaussian(TestMatrices.B, 23, 17, 5, 3, 0.3, 0.5, 11);
    private final SplittableRandom rng = new SplittableRandom(4);
    private final double[] w = DenseMatrices.gaussianBoxMuller(5, rng);
    private final double[] v = DenseMatrices.gaussianBoxMuller(5, rng);
    private final double[] l = DenseMatrices.gaussianBoxMuller(3, rng);

    @Test
    void sampledOraclesMatchTheClosedFormsOnABatchWithRepeats() {
        int[] batch = {3, 0, 22, 3, 7};
        SecondOrderProducts s = q.problem().innerSecondOrder(TestMatrices.B.vector(w), TestMatrices.B.vector(l),
                TestMatrices.B.vector(v), batch);
        int b = batch.length;
        double[] grad = new double[5];
        double[] hvp = new double[5];
        double[] cross = new double[3];
        double value = 0;
        double[][] x = q.x();
        double[][] z = q.z();
        for (int i : batch) {
            double r = DenseMatrices.dot(x[i], w) - q.y()[i] - DenseMatrices.dot(z[i], l);
            double xv = DenseMatrices.dot(x[i], v);
            value += (0.5 * r * r + 0.5 * q.mu0() * DenseMatrices.dot(w, w)) / b;
            for (int a = 0; a < 5; a++) {
                grad[a] += (x[i][a] * r + q.mu0() * w[a]) / b;
                hvp[a] += (x[i][a] * xv + q.mu0() * v[a]) / b;
            }
            for (int a = 0; a < 3; a++) {
                cross[a] -= z[i][a] * xv / b;
            }
        }
        assertEquals(value, s.value().item(), 1e-12);
        assertArrayEquals(grad, s.gradient().toDoubleArray(), 1e-12);
        assertArrayEquals(hvp, s.hessianVector().toDoubleArray(), 1e-12);
        assertArrayEquals(cross, s.crossVector().toDoubleArray(), 1e-12);
        assertArrayEquals(grad, q.problem().innerGradient(TestMatrices.B.vector(w), TestMatrices.B.vector(l), batch)
                .toDoubleArray(), 1e-12);
        int[] outerBatch = {16, 16, 2};
        PartialGradients g = q.problem().outerGradient(TestMatrices.B.vector(w), TestMatrices.B.vector(l), outerBatch);
        double[] gw = new double[5];
        double[][] u = q.u();
        for (int j : outerBatch) {
            double r = DenseMatrices.dot(u[j], w) - q.t()[j];
            for (int a = 0; a < 5; a++) {
                gw[a] += u[j][a] * r / outerBatch.length;
            }
        }
        assertArrayEquals(gw, g.inner().toDoubleArray(), 1e-12);
        double[] gl = l.clone();
        for (int a = 0; a < 3; a++) {
            gl[a] *= q.theta();
        }
        assertArrayEquals(gl, g.outer().toDoubleArray(), 1e-12);
    }

    @Test
    void fullBatchViewIsAnOrdinaryBilevelProblemForTheDeterministicEstimators() {
        Tensor lambda = TestMatrices.B.vector(l);
        HypergradientEstimate e = AidEstimator.conjugateGradient(400, 50).estimate(q.fullBatch(), lambda);
        double[] exact = q.hypergradient(l);
        assertArrayEquals(exact, e.hypergradient().toDoubleArray(), 1e-10, e::toString);
        assertArrayEquals(q.innerSolution(l), e.inner().toDoubleArray(), 1e-10);
        assertTrue(q.mu() >= q.mu0() - 1e-12 && q.smoothness() > q.mu(), "μ = " + q.mu() + ", L = " + q.smoothness());
        // the fixed-step view as well
        HypergradientEstimate f = AidEstimator.conjugateGradient(2000, 50)
                .estimate(q.problem().fullBatch(1.0 / q.smoothness()), lambda);
        assertArrayEquals(exact, f.hypergradient().toDoubleArray(), 1e-9, f::toString);
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor x = TestMatrices.B.zeros(4, 2);
        Tensor y = TestMatrices.B.zeros(3);
        IllegalArgumentException disagree = assertThrows(IllegalArgumentException.class,
                () -> FiniteSum.overRows((w, l, r) -> r[1], x, y));
        assertTrue(disagree.getMessage().startsWith("data[1]") && disagree.getMessage().contains("4 rows"),
                disagree.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> FiniteSum.overRows((w, l, r) -> r[0], TestMatrices.B.zeros(Shape.of(0, 2))));
        assertTrue(empty.getMessage().startsWith("data[0]"), empty.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FiniteSum.overRows((w, l, r) -> r[0]))
                .getMessage().startsWith("data"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FiniteSum.of(0, (w, l, b) -> w))
                .getMessage().startsWith("sampleCount"));
        FiniteSum wrongShape = FiniteSum.of(4, (w, l, b) -> w.dot(w));
        Tensor w = TestMatrices.B.zeros(2);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> wrongShape.mean(w, w, new int[] {0, 1}));
        assertTrue(shape.getMessage().startsWith("losses"), shape.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrongShape.mean(w, w, new int[0]))
                .getMessage().startsWith("batch"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> wrongShape.mean(w, w, new int[] {0, 4}))
                .getMessage().startsWith("batch[1]"));
        FiniteSumBilevelProblem p = q.problem();
        assertTrue(assertThrows(ShapeMismatchException.class,
                () -> p.innerGradient(TestMatrices.B.zeros(4), TestMatrices.B.zeros(3), new int[] {0}))
                .getMessage().startsWith("inner"));
        assertTrue(assertThrows(ShapeMismatchException.class,
                () -> p.outerGradient(TestMatrices.B.zeros(5), TestMatrices.B.zeros(2), new int[] {0}))
                .getMessage().startsWith("outer"));
    }
}
