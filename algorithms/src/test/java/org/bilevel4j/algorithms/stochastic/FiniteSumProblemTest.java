package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The sampled oracles of a finite-sum bilevel problem against closed forms computed in double arithmetic, its
 * full-batch view against a deterministic estimator, and bad input.
 */
class FiniteSumProblemTest {
    private final QuadraticErm q = new QuadraticErm(23, 17, 5, 3, 0.3, 0.5, 11);
    private final SplittableRandom rng = new SplittableRandom(4);
    private final double[] w = QuadraticErm.column(QuadraticErm.gaussian(5, 1, rng));
    private final double[] v = QuadraticErm.column(QuadraticErm.gaussian(5, 1, rng));
    private final double[] l = QuadraticErm.column(QuadraticErm.gaussian(3, 1, rng));

    @Test
    void sampledOraclesMatchTheClosedFormsOnABatchWithRepeats() {
        int[] batch = {3, 0, 22, 3, 7};
        SecondOrderProducts s = q.problem.innerSecondOrder(QuadraticErm.B.vector(w), QuadraticErm.B.vector(l),
                QuadraticErm.B.vector(v), batch);
        int b = batch.length;
        double[] grad = new double[5];
        double[] hvp = new double[5];
        double[] cross = new double[3];
        double value = 0;
        for (int i : batch) {
            double r = QuadraticErm.dot(q.x[i], w) - q.y[i] - QuadraticErm.dot(q.z[i], l);
            double xv = QuadraticErm.dot(q.x[i], v);
            value += (0.5 * r * r + 0.5 * q.mu0 * QuadraticErm.dot(w, w)) / b;
            for (int a = 0; a < 5; a++) {
                grad[a] += (q.x[i][a] * r + q.mu0 * w[a]) / b;
                hvp[a] += (q.x[i][a] * xv + q.mu0 * v[a]) / b;
            }
            for (int a = 0; a < 3; a++) {
                cross[a] -= q.z[i][a] * xv / b;
            }
        }
        assertEquals(value, s.value().item(), 1e-12);
        assertArrayEquals(grad, s.gradient().toDoubleArray(), 1e-12);
        assertArrayEquals(hvp, s.hessianVector().toDoubleArray(), 1e-12);
        assertArrayEquals(cross, s.crossVector().toDoubleArray(), 1e-12);
        assertArrayEquals(grad, q.problem.innerGradient(QuadraticErm.B.vector(w), QuadraticErm.B.vector(l), batch)
                .toDoubleArray(), 1e-12);
        int[] outerBatch = {16, 16, 2};
        PartialGradients g = q.problem.outerGradient(QuadraticErm.B.vector(w), QuadraticErm.B.vector(l), outerBatch);
        double[] gw = new double[5];
        for (int j : outerBatch) {
            double r = QuadraticErm.dot(q.u[j], w) - q.t[j];
            for (int a = 0; a < 5; a++) {
                gw[a] += q.u[j][a] * r / outerBatch.length;
            }
        }
        assertArrayEquals(gw, g.inner().toDoubleArray(), 1e-12);
        double[] gl = l.clone();
        for (int a = 0; a < 3; a++) {
            gl[a] *= q.theta;
        }
        assertArrayEquals(gl, g.outer().toDoubleArray(), 1e-12);
    }

    @Test
    void fullBatchViewIsAnOrdinaryBilevelProblemForTheDeterministicEstimators() {
        Tensor lambda = QuadraticErm.B.vector(l);
        HypergradientEstimate e = AidEstimator.conjugateGradient(400, 50).estimate(q.fullBatch(), lambda);
        double[] exact = q.hypergradient(l);
        assertArrayEquals(exact, e.hypergradient().toDoubleArray(), 1e-10, e::toString);
        assertArrayEquals(q.innerSolution(l), e.inner().toDoubleArray(), 1e-10);
        assertTrue(q.mu >= q.mu0 - 1e-12 && q.smoothness > q.mu, "μ = " + q.mu + ", L = " + q.smoothness);
        // the fixed-step view as well
        HypergradientEstimate f = AidEstimator.conjugateGradient(2000, 50)
                .estimate(q.problem.fullBatch(1.0 / q.smoothness), lambda);
        assertArrayEquals(exact, f.hypergradient().toDoubleArray(), 1e-9, f::toString);
    }

    @Test
    void badInputNamesTheArgument() {
        Tensor x = QuadraticErm.B.zeros(4, 2);
        Tensor y = QuadraticErm.B.zeros(3);
        IllegalArgumentException disagree = assertThrows(IllegalArgumentException.class,
                () -> FiniteSum.overRows((w, l, r) -> r[1], x, y));
        assertTrue(disagree.getMessage().startsWith("data[1]") && disagree.getMessage().contains("4 rows"),
                disagree.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> FiniteSum.overRows((w, l, r) -> r[0], QuadraticErm.B.zeros(Shape.of(0, 2))));
        assertTrue(empty.getMessage().startsWith("data[0]"), empty.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FiniteSum.overRows((w, l, r) -> r[0]))
                .getMessage().startsWith("data"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FiniteSum.of(0, (w, l, b) -> w))
                .getMessage().startsWith("sampleCount"));
        FiniteSum wrongShape = FiniteSum.of(4, (w, l, b) -> w.dot(w));
        Tensor w = QuadraticErm.B.zeros(2);
        ShapeMismatchException shape = assertThrows(ShapeMismatchException.class,
                () -> wrongShape.mean(w, w, new int[] {0, 1}));
        assertTrue(shape.getMessage().startsWith("losses"), shape.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> wrongShape.mean(w, w, new int[0]))
                .getMessage().startsWith("batch"));
        assertTrue(assertThrows(IndexOutOfBoundsException.class, () -> wrongShape.mean(w, w, new int[] {0, 4}))
                .getMessage().startsWith("batch[1]"));
        FiniteSumBilevelProblem p = q.problem;
        assertTrue(assertThrows(ShapeMismatchException.class,
                () -> p.innerGradient(QuadraticErm.B.zeros(4), QuadraticErm.B.zeros(3), new int[] {0}))
                .getMessage().startsWith("inner"));
        assertTrue(assertThrows(ShapeMismatchException.class,
                () -> p.outerGradient(QuadraticErm.B.zeros(5), QuadraticErm.B.zeros(2), new int[] {0}))
                .getMessage().startsWith("outer"));
    }
}
