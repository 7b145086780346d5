package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.stochastic.amigo.Amigo.AdjointSolver;
import org.bilevel4j.algorithms.stochastic.amigo.Amigo;
import org.bilevel4j.algorithms.stochastic.common.SampleOracleCounts;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.algorithms.stochastic.common.StochasticResult;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.bilevel4j.testkit.problems.QuadraticBilevelErm;
import org.junit.jupiter.api.Test;

/**
 * AmIGO on the quadratic bilevel ERM with closed-form λ*: with warm starts, T = N = 1 reach machine precision on
 * full batches where AID-GD (adjoint restarted at 0) with the same small N plateaus at its bias floor; CG with
 * N ≥ d_w solves the adjoint exactly even without warm start; sampled runs descend; per-sample counts; bad input.
 */
class AmigoTest {
    private static final QuadraticBilevelErm Q =
            QuadraticBilevelErm.gaussian(TestMatrices.B, 40, 30, 5, 3, 0.5, 1.0, 7);
    private static final double[] STAR = Q.outerSolution();
    private static final double ALPHA = 1 / Q.smoothness();
    private static final StepSizes STEPS = new StepSizes(StepSchedule.constant(ALPHA), StepSchedule.constant(ALPHA),
            StepSchedule.constant(0.5));
    private static final Sampling FULL = Sampling.of(Scheme.FULL_BATCH, 1, 1);

    private static Tensor start() {
        return TestMatrices.B.vector(1, -1, 2);
    }

    private static StochasticResult run(SingleLoopMethod m, Sampling s, int k) {
        return StochasticBilevelSolver.builder(m, s).maxIterations(k).build().solve(Q.problem(), start());
    }

    private static double relativeError(StochasticResult r) {
        double[] l = r.state().outer().toDoubleArray();
        double e = 0;
        for (int i = 0; i < l.length; i++) {
            e += (l[i] - STAR[i]) * (l[i] - STAR[i]);
        }
        return Math.sqrt(e / DenseMatrices.dot(STAR, STAR));
    }

    @Test
    void warmStartsReachMachinePrecisionWhereAidWithTheSameSmallNPlateaus() {
        double gd = relativeError(run(Amigo.gd(STEPS, 1, 1), FULL, 300));
        double cg = relativeError(run(Amigo.cg(STEPS, 1, 1), FULL, 300));
        Amigo aidGd = new Amigo(STEPS, 1, 1, AdjointSolver.GRADIENT_DESCENT, true, false);
        double aid300 = relativeError(run(aidGd, FULL, 300));
        double aid1000 = relativeError(run(aidGd, FULL, 1000));
        Amigo aidCgExact = new Amigo(STEPS, 1, 5, AdjointSolver.CONJUGATE_GRADIENT, true, false);
        double aidCg = relativeError(run(aidCgExact, FULL, 300));
        System.out.printf("full batch, 300 outer iterations, relative error of λ: AmIGO-GD(T=N=1) %.3e, "
                + "AmIGO-CG(T=N=1) %.3e, AID-CG(T=1, N=5=d_w) %.3e; AID-GD(T=N=1) %.3e (1000 iterations: %.3e)%n",
                gd, cg, aidCg, aid300, aid1000);
        assertTrue(gd < 1e-12, "AmIGO-GD " + gd);
        assertTrue(cg < 1e-12, "AmIGO-CG " + cg);
        assertTrue(aidCg < 1e-12, "CG with N = d_w is exact without warm start: " + aidCg);
        assertTrue(aid300 > 1e-2, "AID-GD with N = 1 and no adjoint warm start should plateau: " + aid300);
        assertEquals(aid300, aid1000, 1e-9 * aid300, "a plateau, not slow convergence");
    }

    @Test
    void fixedPointAndNeumannAdjointsAreGradientDescentFromZeroOnFullBatchesAndPlateau() {
        StepSizes betaIsAlpha = new StepSizes(StepSchedule.constant(ALPHA), StepSchedule.constant(ALPHA),
                StepSchedule.constant(0.5));
        for (int n : new int[] {1, 3}) {
            double[] fp = run(Amigo.aidFixedPoint(STEPS, 1, n), FULL, 50).state().outer().toDoubleArray();
            double[] gdN = run(new Amigo(betaIsAlpha, 1, n, AdjointSolver.GRADIENT_DESCENT, true, false), FULL, 50)
                    .state().outer().toDoubleArray();
            double[] neumann = run(Amigo.aidNeumann(STEPS, 1, n), FULL, 50).state().outer().toDoubleArray();
            double[] gdN1 = run(new Amigo(betaIsAlpha, 1, n + 1, AdjointSolver.GRADIENT_DESCENT, true, false), FULL,
                    50).state().outer().toDoubleArray();
            assertArrayEquals(gdN, fp, 1e-13, "AID-FP(N) = GD(N, step α) from 0, N = " + n);
            assertArrayEquals(gdN1, neumann, 1e-12, "AID-N(N) = GD(N + 1, step α) from 0, N = " + n);
        }
        double fp300 = relativeError(run(Amigo.aidFixedPoint(STEPS, 1, 1), FULL, 300));
        double fp1000 = relativeError(run(Amigo.aidFixedPoint(STEPS, 1, 1), FULL, 1000));
        double n300 = relativeError(run(Amigo.aidNeumann(STEPS, 1, 1), FULL, 300));
        System.out.printf("full batch, relative error of λ: AID-FP(T=N=1) %.3e, AID-N(T=N=1) %.3e%n", fp300, n300);
        assertTrue(fp300 > 1e-2, "AID-FP with N = 1 should plateau: " + fp300);
        assertTrue(n300 > 1e-3 && n300 < fp300, "AID-N(1) has two terms, a smaller bias than AID-FP(1): " + n300);
        assertEquals(fp300, fp1000, 1e-9 * fp300, "a plateau, not slow convergence");
        // sampled: same seed, same run; the two estimators differ
        Sampling five = Sampling.of(Scheme.WITH_REPLACEMENT, 5, 3);
        assertArrayEquals(run(Amigo.aidNeumann(STEPS, 2, 3), five, 20).state().outer().toDoubleArray(),
                run(Amigo.aidNeumann(STEPS, 2, 3), five, 20).state().outer().toDoubleArray(), 0);
        assertEquals(new SampleOracleCounts(3 * 2 * 40, 3 * 3 * 40, 3 * 40, 3 * 30),
                run(Amigo.aidNeumann(STEPS, 2, 3), FULL, 3).counts());
        assertEquals(new SampleOracleCounts(3 * 2 * 40, 3 * 3 * 40, 3 * 40, 3 * 30),
                run(Amigo.aidFixedPoint(STEPS, 2, 3), FULL, 3).counts());
    }

    @Test
    void sampledRunsDescend() {
        double initial = Q.hypergradientNormSquared(start());
        StepSizes s = new StepSizes(StepSchedule.constant(0.05), StepSchedule.constant(0.05),
                StepSchedule.inverseSqrt(0.5));
        Sampling five = Sampling.of(Scheme.WITH_REPLACEMENT, 5, 1);
        double gd = Q.hypergradientNormSquared(run(Amigo.gd(s, 10, 10), five, 3000).state().outer());
        double cg = Q.hypergradientNormSquared(run(Amigo.cg(s, 10, 5), five, 3000).state().outer());
        System.out.printf("sampled (batch 5), 3000 outer iterations, γ ∝ (k+1)^(-1/2): ‖∇Φ‖² AmIGO-GD %.3e, "
                + "AmIGO-CG %.3e (from %.3e)%n", gd, cg, initial);
        assertTrue(gd < 1e-2 * initial, "AmIGO-GD " + gd);
        assertTrue(cg < 1e-2 * initial, "AmIGO-CG " + cg);
        assertArrayEquals(run(Amigo.cg(s, 3, 2), five, 20).state().outer().toDoubleArray(),
                run(Amigo.cg(s, 3, 2), five, 20).state().outer().toDoubleArray(), 0, "same seed, same run");
    }

    @Test
    void perSampleCounts() {
        // full batch n = 40, m = 30; per outer iteration: T·n gradients, N·n HVPs (+ n for CG's residual), n cross,
        // m outer
        assertEquals(new SampleOracleCounts(3 * 2 * 40, 3 * 3 * 40, 3 * 40, 3 * 30),
                run(Amigo.gd(STEPS, 2, 3), FULL, 3).counts());
        assertEquals(new SampleOracleCounts(3 * 2 * 40, 3 * 4 * 40, 3 * 40, 3 * 30),
                run(new Amigo(STEPS, 2, 3, AdjointSolver.CONJUGATE_GRADIENT, true, true), FULL, 3).counts());
    }

    @Test
    void badInputNamesTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Amigo.gd(STEPS, 0, 1)).getMessage()
                .startsWith("innerSteps"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Amigo.cg(STEPS, 1, 0)).getMessage()
                .startsWith("adjointSteps"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new Amigo(STEPS, 1, 1, AdjointSolver.NEUMANN, true, true)).getMessage()
                .startsWith("warmStartAdjoint"));
        assertTrue(Amigo.aidFixedPoint(STEPS, 1, 2).name().startsWith("AID-FP(T=1, N=2"));
        assertTrue(Amigo.aidNeumann(STEPS, 1, 2).name().startsWith("AID-N(T=1, N=2"));
        assertEquals("AID-CG-WS", new Amigo(STEPS, 1, 1, AdjointSolver.CONJUGATE_GRADIENT, false, true).name()
                .substring(0, 9));
    }
}
