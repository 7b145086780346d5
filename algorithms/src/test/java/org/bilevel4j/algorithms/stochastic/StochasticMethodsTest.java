package org.bilevel4j.algorithms.stochastic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.SampleOracleCounts;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSchedule;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.algorithms.stochastic.common.StochasticIteration;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.algorithms.stochastic.common.StochasticResult;
import org.bilevel4j.algorithms.stochastic.masoba.MaSoba;
import org.bilevel4j.algorithms.stochastic.saba.Saba;
import org.bilevel4j.algorithms.stochastic.soba.Soba;
import org.bilevel4j.algorithms.stochastic.srba.Srba;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.problems.QuadraticBilevelErm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SOBA, SABA, SRBA and MA-SOBA on a quadratic bilevel ERM whose hypergradient ∇Φ is known in closed form
 * (n = 40 training and m = 30 validation samples, d_w = 5, d_λ = 3, μ₀ = 0.5, θ = 1): stationarity of the
 * variance-reduced methods with constant steps against SOBA's measured variance floor, budgets, divergence,
 * reproducibility, per-sample accounting and bad input. The measured figures are printed.
 */
class StochasticMethodsTest {
    private static final QuadraticBilevelErm Q =
            QuadraticBilevelErm.gaussian(TestMatrices.B, 40, 30, 5, 3, 0.5, 1.0, 7);
    private static final StepSizes STEPS = StepSizes.constant(0.05, 0.02);
    private static final Sampling ONE_SAMPLE = Sampling.of(Scheme.UNIFORM_BLOCKS, 1, 5);
    private static final int T = 20_000;

    private static Tensor start() {
        return TestMatrices.B.vector(1, -1, 2);
    }

    private static StochasticResult run(SingleLoopMethod method, Sampling sampling, int iterations) {
        return StochasticBilevelSolver.builder(method, sampling).maxIterations(iterations).build()
                .solve(Q.problem(), start());
    }

    /** Mean of the exact ‖∇Φ(λ_t)‖² over the last {@code window} iterations of a run. */
    private static double floor(SingleLoopMethod method, int iterations, int window) {
        double[] sum = new double[1];
        StochasticBilevelSolver.builder(method, ONE_SAMPLE).maxIterations(iterations).listener(it -> {
            if (it.iteration() > iterations - window) {
                sum[0] += Q.hypergradientNormSquared(it.state().outer());
            }
        }).build().solve(Q.problem(), start());
        return sum[0] / window;
    }

    @Test
    void varianceReducedMethodsReachStationarityWithConstantStepsWhereSobaStallsAtItsVarianceFloor() {
        double initial = Q.hypergradientNormSquared(start());
        StochasticResult saba = run(new Saba(STEPS), ONE_SAMPLE, T);
        StochasticResult srba = run(new Srba(STEPS, 0.5), ONE_SAMPLE, T);
        double sabaFinal = Q.hypergradientNormSquared(saba.state().outer());
        double srbaFinal = Q.hypergradientNormSquared(srba.state().outer());
        double sobaFloor = floor(new Soba(STEPS), T, 5_000);
        double sobaHalfFloor = floor(new Soba(StepSizes.constant(0.025, 0.01)), 2 * T, 5_000);
        System.out.printf("quadratic ERM μ=%.3f L=%.3f, ‖∇Φ(λ₀)‖²=%.3e; after %d iterations, batch 1, ρ=0.05, "
                + "γ=0.02: SABA %.3e (%s oracles), SRBA %.3e (%s oracles); SOBA floor %.3e, with halved steps "
                + "%.3e%n", Q.mu(), Q.smoothness(), initial, T, sabaFinal, saba.counts().total(), srbaFinal,
                srba.counts().total(), sobaFloor, sobaHalfFloor);
        assertEquals(Status.BUDGET_EXHAUSTED, saba.status());
        assertEquals(Status.BUDGET_EXHAUSTED, srba.status());
        assertTrue(sabaFinal < 1e-10, "SABA ‖∇Φ‖² = " + sabaFinal);
        assertTrue(srbaFinal < 1e-10, "SRBA ‖∇Φ‖² = " + srbaFinal);
        assertTrue(sobaFloor > 1e-6, "SOBA with constant steps should stall well above 1e-10: " + sobaFloor);
        // a variance floor shrinks with the steps; a bias would not
        assertTrue(sobaHalfFloor < 0.75 * sobaFloor, "halved steps: " + sobaHalfFloor + " vs " + sobaFloor);
        // the same constant steps on full batches converge: the floor is sampling noise
        double fullBatch = Q.hypergradientNormSquared(
                run(new Soba(STEPS), Sampling.of(Scheme.FULL_BATCH, 1, 5), 5_000).state().outer());
        assertTrue(fullBatch < 1e-10, "full-batch SOBA " + fullBatch);
    }

    @Test
    void decreasingStepsTakeSobaBelowItsConstantStepFloor() {
        double floor = floor(new Soba(STEPS), T, 5_000);
        double decreasing = Q.hypergradientNormSquared(
                run(new Soba(StepSizes.decreasing(0.05, 0.02, 0.5)), ONE_SAMPLE, 4 * T).state().outer());
        System.out.printf("SOBA ρ, γ ∝ (t+1)^(-1/2), %d iterations: ‖∇Φ‖² = %.3e (constant-step floor %.3e)%n",
                4 * T, decreasing, floor);
        assertTrue(decreasing < floor, decreasing + " vs floor " + floor);
    }

    @Test
    void maSobaConvergesOnFullBatchesAndDescendsOnSamples() {
        MaSoba ma = new MaSoba(STEPS, StepSchedule.constant(0.5));
        double full = Q.hypergradientNormSquared(run(ma, Sampling.of(Scheme.FULL_BATCH, 1, 5), 5_000).state().outer());
        double initial = Q.hypergradientNormSquared(start());
        double sampled = Q.hypergradientNormSquared(run(new MaSoba(StepSizes.decreasing(0.05, 0.02, 0.5),
                StepSchedule.constant(0.5)), ONE_SAMPLE, 4 * T).state().outer());
        System.out.printf("MA-SOBA full batch %.3e; sampled, decreasing steps, %d iterations: %.3e (from %.3e)%n",
                full, 4 * T, sampled, initial);
        assertTrue(full < 1e-10, "full-batch MA-SOBA " + full);
        assertTrue(sampled < 1e-3 * initial, sampled + " from " + initial);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new MaSoba(STEPS, StepSchedule.constant(2)))
                .getMessage().startsWith("averaging"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new MaSoba(STEPS, StepSchedule.constant(0.5), 0)).getMessage().startsWith("adjointRadius"));
    }

    @Test
    void sameSeedSameRunBitwiseAndAnotherSeedAnotherRun() {
        for (SingleLoopMethod m : new SingleLoopMethod[] {new Soba(STEPS), new Saba(STEPS), new Srba(STEPS, 0.5),
                new MaSoba(STEPS, StepSchedule.constant(0.5))}) {
            BilevelState a = run(m, ONE_SAMPLE, 300).state();
            BilevelState b = run(m, ONE_SAMPLE, 300).state();
            BilevelState c = run(m, Sampling.of(Scheme.UNIFORM_BLOCKS, 1, 6), 300).state();
            assertArrayEquals(a.outer().toDoubleArray(), b.outer().toDoubleArray(), 0, m.name());
            assertArrayEquals(a.inner().toDoubleArray(), b.inner().toDoubleArray(), 0, m.name());
            assertArrayEquals(a.adjoint().toDoubleArray(), b.adjoint().toDoubleArray(), 0, m.name());
            assertFalse(java.util.Arrays.equals(a.outer().toDoubleArray(), c.outer().toDoubleArray()), m.name());
        }
    }

    @Test
    void oracleCountsArePerSample() {
        Sampling s = new Sampling(Scheme.WITH_REPLACEMENT, 4, 3, 1);
        assertEquals(new SampleOracleCounts(400, 400, 400, 300), run(new Soba(STEPS), s, 100).counts());
        // SRBA: a full-batch restart (n, m) every q iterations, two evaluations of the same batches otherwise
        long q = Srba.period(0.5, 40, 30, 4, 3);
        assertEquals(5, q);
        long restarts = (100 + q - 1) / q;
        long inner = restarts * 40 + (100 - restarts) * 2 * 4;
        long outer = restarts * 30 + (100 - restarts) * 2 * 3;
        assertEquals(new SampleOracleCounts(inner, inner, inner, outer), run(new Srba(STEPS, 0.5), s, 100).counts());
        // SABA with its memory filled at the start: one extra pass over all blocks (n, m)
        Sampling blocks = new Sampling(Scheme.UNIFORM_BLOCKS, 4, 3, 1);
        assertEquals(new SampleOracleCounts(400 + 40, 400 + 40, 400 + 40, 300 + 30),
                run(new Saba(STEPS, Saba.MemoryInit.FULL), blocks, 100).counts());
    }

    @Test
    void sabaMemoryIsTwoFlatTablesOfTheStatedSize() {
        Saba saba = new Saba(STEPS, Saba.MemoryInit.FULL);
        Sampling.Samplers one = ONE_SAMPLE.samplers(40, 30);
        Saba.SabaIteration it = saba.start(new SingleLoopMethod.Context(new StochasticOracles(Q.problem()),
                BilevelState.start(Q.problem(), start()), Projection.none(), one));
        // per-sample memory: n·(2d_w + d_λ) + m·(d_w + d_λ) doubles
        assertEquals(40L * (2 * 5 + 3) + 30L * (5 + 3), it.tableLength());
        assertEquals(Saba.tableLength(40, 30, 5, 3), it.tableLength());
        Sampling.Samplers blocks = new Sampling(Scheme.UNIFORM_BLOCKS, 8, 7, 1).samplers(40, 30);
        Saba.SabaIteration it2 = saba.start(new SingleLoopMethod.Context(new StochasticOracles(Q.problem()),
                BilevelState.start(Q.problem(), start()), Projection.none(), blocks));
        assertEquals(Saba.tableLength(5, 5, 5, 3), it2.tableLength());
        // a memory filled at the start converges as well
        double full = Q.hypergradientNormSquared(run(saba, ONE_SAMPLE, T).state().outer());
        assertTrue(full < 1e-10, "SABA with full memory initialisation " + full);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new Saba(STEPS), Sampling.of(Scheme.WITH_REPLACEMENT, 1, 1), 10));
        assertTrue(e.getMessage().startsWith("sampling"), e.getMessage());
    }

    @Test
    void nonFiniteIteratesStopTheRunWithDivergedAndTheIteration() {
        StochasticResult r = run(new Soba(StepSizes.constant(5, 5)), ONE_SAMPLE, 10_000);
        assertEquals(Status.DIVERGED, r.status(), r.reason());
        assertTrue(r.divergedAt() >= 1 && r.divergedAt() == r.iterations(), r.toString());
        assertTrue(r.state().isFinite(), "the last finite state is returned");
        assertTrue(r.reason().contains("iteration " + r.divergedAt()), r.reason());
    }

    @Test
    void budgetsAndListener() {
        StochasticResult byOracles = StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE)
                .maxIterations(1_000_000).maxOracleCalls(1000).build().solve(Q.problem(), start());
        assertEquals(Status.BUDGET_EXHAUSTED, byOracles.status());
        assertEquals(250, byOracles.iterations(), "4 per-sample calls per iteration");
        assertTrue(byOracles.reason().startsWith("oracle budget"), byOracles.reason());
        StochasticResult byTime = StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE)
                .maxIterations(Long.MAX_VALUE).maxWallTime(Duration.ofMillis(50)).build().solve(Q.problem(), start());
        assertEquals(Status.BUDGET_EXHAUSTED, byTime.status());
        assertTrue(byTime.reason().startsWith("wall-time budget") && byTime.elapsedNanos() >= 50_000_000L,
                byTime.toString());
        List<StochasticIteration> seen = new ArrayList<>();
        StochasticResult r = StochasticBilevelSolver.builder(new Srba(STEPS, 0.5), ONE_SAMPLE).maxIterations(50)
                .listener(seen::add).build().solve(Q.problem(), start());
        assertEquals(50, seen.size());
        for (int k = 0; k < 50; k++) {
            assertEquals(k + 1, seen.get(k).iteration());
            if (k > 0) {
                assertTrue(seen.get(k).counts().total() > seen.get(k - 1).counts().total());
                assertTrue(seen.get(k).elapsedNanos() >= seen.get(k - 1).elapsedNanos());
            }
        }
        assertEquals(r.counts(), seen.get(49).counts());
        assertArrayEquals(r.state().outer().toDoubleArray(), seen.get(49).state().outer().toDoubleArray(), 0);
        // a projection keeps λ in its set
        StochasticResult boxed = StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).maxIterations(500)
                .projection(Projection.box(-0.1, 0.1)).build().solve(Q.problem(), start());
        for (double x : boxed.state().outer().toDoubleArray()) {
            assertTrue(x >= -0.1 && x <= 0.1, "λ left the box: " + x);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0, -0.5, Double.NaN, Double.POSITIVE_INFINITY})
    void badPeriodFractionNamesTheArgument(double fraction) {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Srba(STEPS, fraction)).getMessage()
                .startsWith("periodFraction"));
    }

    @Test
    void badSolverInputNamesTheArgument() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).maxIterations(0)).getMessage()
                .startsWith("maxIterations"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).maxOracleCalls(0)).getMessage()
                .startsWith("maxOracleCalls"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).maxWallTime(Duration.ZERO))
                .getMessage().startsWith("maxWallTime"));
        assertTrue(assertThrows(IllegalStateException.class,
                () -> StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).build()).getMessage()
                .startsWith("maxIterations"));
        StochasticBilevelSolver solver = StochasticBilevelSolver.builder(new Soba(STEPS),
                new Sampling(Scheme.WITH_REPLACEMENT, 41, 1, 1)).maxIterations(10).build();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> solver.solve(Q.problem(), start()))
                .getMessage().startsWith("innerBatchSize"));
        StochasticBilevelSolver ok = StochasticBilevelSolver.builder(new Soba(STEPS), ONE_SAMPLE).maxIterations(10)
                .build();
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ok.solve(Q.problem(), TestMatrices.B.vector(1, 2))).getMessage().startsWith("initial.outer"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ok.solve(Q.problem(), TestMatrices.B.vector(1, 1, 2).div(TestMatrices.B.zeros(3)))).getMessage()
                .startsWith("initial: expected finite values, λ"));
    }
}
