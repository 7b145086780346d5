package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Directions;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.algorithms.stochastic.common.StochasticResult;
import org.bilevel4j.algorithms.stochastic.saba.Saba;
import org.bilevel4j.algorithms.stochastic.srba.Srba;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.junit.jupiter.api.Test;

/**
 * Per-feature L2 tuning of a logistic regression (not quadratic): gᵢ = log(1 + exp(−yᵢxᵢᵀw)) + ½ Σₖ e^{λₖ} wₖ²,
 * fⱼ = log(1 + exp(−yⱼuⱼᵀw)) + ½θ‖λ‖² (a Gaussian prior on λ keeps the stationary point finite). A batched oracle equals the mean of the single-sample oracles, and the variance-reduced
 * methods end where an independent deterministic estimator (AID with CG on the full-batch view) finds ∇Φ ≈ 0.
 */
class LogisticL2Test {
    private static final int N = 60;
    private static final int M = 40;
    private static final int D = 4;
    private static final double THETA = 0.05;
    private static final FiniteSumBilevelProblem P;

    static {
        SplittableRandom rng = new SplittableRandom(17);
        double[] truth = DenseMatrices.gaussianBoxMuller(D, rng);
        double[][] x = DenseMatrices.gaussianBoxMuller(N, D, rng);
        double[][] u = DenseMatrices.gaussianBoxMuller(M, D, rng);
        Tensor xt = TestMatrices.B.matrix(x);
        Tensor yt = TestMatrices.B.vector(labels(x, truth, rng));
        Tensor ut = TestMatrices.B.matrix(u);
        Tensor vt = TestMatrices.B.vector(labels(u, truth, rng));
        FiniteSum train = FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus()
                .add(w.square().mul(l.exp()).sum().mul(0.5)), xt, yt);
        FiniteSum valid = FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus()
                .add(l.dot(l).mul(0.5 * THETA)), ut, vt);
        P = FiniteSumBilevelProblem.of(train, valid, Shape.of(D), Shape.of(D));
    }

    private static double[] labels(double[][] a, double[] truth, SplittableRandom rng) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = DenseMatrices.dot(a[i], truth) + 0.5 * (rng.nextDouble() - 0.5) > 0 ? 1 : -1;
        }
        return y;
    }

    @Test
    void aBatchedOracleIsTheMeanOfTheSingleSampleOracles() {
        Tensor w = TestMatrices.B.vector(0.3, -0.2, 0.5, 0.1);
        Tensor v = TestMatrices.B.vector(-1, 0.4, 0.2, 0.7);
        Tensor l = TestMatrices.B.vector(0.1, -0.5, 0.2, 0);
        int[] batch = {5, 59, 0, 5, 31};
        SecondOrderProducts all = P.innerSecondOrder(w, l, v, batch);
        Tensor g = null;
        Tensor h = null;
        Tensor c = null;
        for (int i : batch) {
            SecondOrderProducts one = P.innerSecondOrder(w, l, v, new int[] {i});
            g = g == null ? one.gradient() : g.add(one.gradient());
            h = h == null ? one.hessianVector() : h.add(one.hessianVector());
            c = c == null ? one.crossVector() : c.add(one.crossVector());
        }
        assertArrayEquals(g.div(5).toDoubleArray(), all.gradient().toDoubleArray(), 1e-14);
        assertArrayEquals(h.div(5).toDoubleArray(), all.hessianVector().toDoubleArray(), 1e-14);
        assertArrayEquals(c.div(5).toDoubleArray(), all.crossVector().toDoubleArray(), 1e-14);
        // the cross product of the penalty is ∂_λ ⟨e^λ ⊙ w, v⟩ = e^λ ⊙ w ⊙ v exactly (the loss does not depend on λ)
        double[] expected = new double[D];
        for (int k = 0; k < D; k++) {
            expected[k] = Math.exp(l.get(k)) * w.get(k) * v.get(k);
        }
        assertArrayEquals(expected, all.crossVector().toDoubleArray(), 1e-14);
    }

    @Test
    void varianceReducedMethodsEndWhereTheFullBatchEstimatorFindsAStationaryPoint() {
        OptimizationBilevelProblem full = P.fullBatch(0.5);
        Tensor l0 = TestMatrices.B.zeros(D);
        double initial = AidEstimator.conjugateGradient(600, 60).estimate(full, l0).hypergradient().normValue();
        StepSizes steps = StepSizes.constant(0.2, 0.2);
        for (var method : new org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod[] {new Saba(steps),
                new Srba(steps, 0.5)}) {
            StochasticResult r = StochasticBilevelSolver.builder(method, Sampling.of(Scheme.UNIFORM_BLOCKS, 2, 3))
                    .maxIterations(6_000).build().solve(P, l0);
            HypergradientEstimate e = AidEstimator.conjugateGradient(600, 60).estimate(full, r.state().outer());
            // a fixed budget ends BUDGET_EXHAUSTED; the residuals show the estimate is accurate
            assertTrue(!e.status().isFailure() && e.innerResidual() < 1e-12 && e.diagnostics(AidDiagnostics.class).adjointResidual() < 1e-12,
                    e::toString);
            double norm = e.hypergradient().normValue();
            // at the end the run's own full-batch D_λ agrees with AID's hypergradient
            Directions d = new StochasticOracles(P).fullBatchDirections(r.state());
            System.out.printf("logistic per-feature L2, %s: ‖∇Φ‖² by AID %.3e (from %.3e), ‖D_λ − ∇Φ‖ %.3e, "
                    + "λ = %s%n", method.name(), norm * norm, initial * initial,
                    d.outer().sub(e.hypergradient()).normValue(), r.state().outer());
            assertTrue(norm * norm < 1e-10, method.name() + ": ‖∇Φ‖² = " + norm * norm);
            assertEquals(0, d.outer().sub(e.hypergradient()).normValue(), 1e-6);
        }
    }
}
