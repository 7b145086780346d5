package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.SampleOracleCounts;
import org.bilevel4j.algorithms.stochastic.common.Sampler;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.bilevel4j.testkit.problems.QuadraticBilevelErm;
import org.junit.jupiter.api.Test;

/**
 * The sampled directions are unbiased (their mean over all batches is the full-batch direction), the full-batch
 * D_λ at (w*, v*) is the exact hypergradient, and the oracle counts are in per-sample units.
 */
class DirectionsTest {
    private final QuadraticBilevelErm q = QuadraticBilevelErm.gaussian(TestMatrices.B, 13, 7, 4, 3, 0.2, 0.5, 21);
    private final SplittableRandom rng = new SplittableRandom(8);

    private Tensor random(int size) {
        return TestMatrices.B.vector(DenseMatrices.gaussianBoxMuller(size, rng));
    }

    @Test
    void meanOfTheSingleSampleDirectionsOverAllPairsIsTheFullBatchDirection() {
        BilevelState s = new BilevelState(random(4), random(4), random(3));
        StochasticOracles o = new StochasticOracles(q.problem());
        Directions full = o.fullBatchDirections(s);
        Directions sum = null;
        for (int i = 0; i < q.n(); i++) {
            for (int j = 0; j < q.m(); j++) {
                Directions d = o.directions(s, new int[] {i}, new int[] {j});
                sum = sum == null ? d : sum.plus(d);
            }
        }
        double pairs = q.n() * q.m();
        assertArrayEquals(full.inner().toDoubleArray(), sum.inner().div(pairs).toDoubleArray(), 1e-12);
        assertArrayEquals(full.adjoint().toDoubleArray(), sum.adjoint().div(pairs).toDoubleArray(), 1e-12);
        assertArrayEquals(full.outer().toDoubleArray(), sum.outer().div(pairs).toDoubleArray(), 1e-12);
        // per-sample accounting: one full batch (n, m) plus n·m single-sample pairs
        SampleOracleCounts c = o.counts();
        long inner = q.n() + (long) q.n() * q.m();
        long outer = q.m() + (long) q.n() * q.m();
        assertEquals(new SampleOracleCounts(inner, inner, inner, outer), c);
    }

    @Test
    void blockDirectionsWeightedByBlockSizeAverageToTheFullBatch() {
        BilevelState s = new BilevelState(random(4), random(4), random(3));
        StochasticOracles o = new StochasticOracles(q.problem());
        Directions full = o.fullBatchDirections(s);
        int n = q.n();
        int m = q.m();
        Sampler in = Sampler.uniformBlocks(n, 5, rng.split()); // blocks of 5, 5, 3
        Sampler out = Sampler.uniformBlocks(m, 2, rng.split()); // blocks of 2, 2, 2, 1
        Directions sum = null;
        for (int k = 0; k < in.blockCount(); k++) {
            for (int j = 0; j < out.blockCount(); j++) {
                int[] bi = in.block(k);
                int[] bj = out.block(j);
                Directions d = o.directions(s, bi, bj);
                // the inner part of a direction is weighted by |B_k|/n, the outer part by |J_j|/m
                Directions innerPart = o.directions(s, bi, bj).minus(outerOnly(o, s, bj));
                Directions weighted = new Directions(innerPart.inner().mul((double) bi.length / n / out.blockCount()),
                        innerPart.adjoint().mul((double) bi.length / n / out.blockCount())
                                .add(d.adjoint().sub(innerPart.adjoint()).mul((double) bj.length / m
                                        / in.blockCount())),
                        innerPart.outer().mul((double) bi.length / n / out.blockCount())
                                .add(d.outer().sub(innerPart.outer()).mul((double) bj.length / m
                                        / in.blockCount())));
                sum = sum == null ? weighted : sum.plus(weighted);
            }
        }
        assertArrayEquals(full.inner().toDoubleArray(), sum.inner().toDoubleArray(), 1e-12);
        assertArrayEquals(full.adjoint().toDoubleArray(), sum.adjoint().toDoubleArray(), 1e-12);
        assertArrayEquals(full.outer().toDoubleArray(), sum.outer().toDoubleArray(), 1e-12);
    }

    /** The outer part of the directions: (0, −∇_w f_J, ∇_λ f_J). */
    private static Directions outerOnly(StochasticOracles o, BilevelState s, int[] bj) {
        var g = o.outer(s.inner(), s.outer(), bj);
        return new Directions(g.inner().mul(0), g.inner().neg(), g.outer());
    }

    @Test
    void fullBatchOuterDirectionAtTheSolutionIsTheExactHypergradient() {
        for (int trial = 0; trial < 5; trial++) {
            double[] lambda = DenseMatrices.gaussianBoxMuller(3, rng);
            BilevelState star = new BilevelState(TestMatrices.B.vector(q.innerSolution(lambda)),
                    TestMatrices.B.vector(q.adjointSolution(lambda)), TestMatrices.B.vector(lambda));
            Directions d = new StochasticOracles(q.problem()).fullBatchDirections(star);
            double[] exact = q.hypergradient(lambda);
            assertArrayEquals(exact, d.outer().toDoubleArray(), 1e-12 * (1 + norm(exact)));
            assertTrue(d.inner().normValue() < 1e-12, "D_w at w* " + d.inner().normValue());
            assertTrue(d.adjoint().normValue() < 1e-12, "D_v at v* " + d.adjoint().normValue());
        }
    }

    private static double norm(double[] a) {
        return Math.sqrt(DenseMatrices.dot(a, a));
    }
}
