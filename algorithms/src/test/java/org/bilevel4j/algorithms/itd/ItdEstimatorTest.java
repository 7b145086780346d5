package org.bilevel4j.algorithms.itd;

import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.QuadraticBilevel;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.hypergradient.UncertifiedHypergradientException;
import org.bilevel4j.algorithms.inner.HeavyBallIteration;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The ITD estimators compute the exact gradient of f_t(λ) = E(w_t(λ), λ): checked against autodiff
 * through the unrolled loop, and against each other.
 */
class ItdEstimatorTest {
    private final QuadraticBilevel q = new QuadraticBilevel(15, 3, 1.0, 20.0, 0.1, 8);
    private final OptimizationBilevelProblem problem = q.problem();
    private final Tensor lambda = TestMatrices.randomVector(3, new SplittableRandom(2));

    /** f_t by running the map t times on traced tensors, differentiated by plain autodiff. */
    private Tensor unrolled(int t) {
        return Autodiff.grad(l -> {
            Tensor w = problem.initialInner(l);
            for (int i = 0; i < t; i++) {
                w = problem.innerMap().apply(w, l);
            }
            return problem.outerObjective().value(w, l);
        }, lambda);
    }

    @Test
    void reverseModeEqualsAutodiffThroughTheUnrolledIteration() {
        for (int t : new int[] {1, 2, 7, 30}) {
            Tensor expected = unrolled(t);
            for (var e : new org.bilevel4j.algorithms.hypergradient.HypergradientEstimator[] {
                ItdEstimator.reverse(t), ItdEstimator.builder().innerSteps(t).keepTape(true).build(),
                ItdEstimator.builder().innerSteps(t).keepTape(false).build(),
                ItdEstimator.builder().innerSteps(t).memoryBudget(0).build(),
                ItdEstimator.checkpointed(t), ItdEstimator.builder().inner(InnerPhase.picard(t)).checkpointed(3).build(),
                ItdEstimator.truncated(t, t), ItdEstimator.forward(t)}) {
                HypergradientEstimate h = e.estimate(problem, lambda);
                assertTrue(relativeError(h.hypergradient(), expected) < 1e-12, () -> e.name() + " at t = " + h);
            }
        }
    }

    @Test
    void oracleCountsMatchTheDocumentedCosts() {
        int t = 12;
        HypergradientEstimate full = ItdEstimator.builder().innerSteps(t).keepTape(false).build()
                .estimate(problem, lambda);
        assertEquals(2 * t + 1, full.counts().mapEvaluations(), full::toString); // forward, re-linearize, residual
        assertEquals(t, full.counts().vjps());
        HypergradientEstimate tape = ItdEstimator.builder().innerSteps(t).keepTape(true).build().estimate(problem, lambda);
        assertEquals(t + 1, tape.counts().mapEvaluations(), tape::toString);
        assertEquals(t, tape.counts().vjps());
        HypergradientEstimate automatic = ItdEstimator.reverse(t).estimate(problem, lambda); // the tape fits
        assertEquals(t + 1, automatic.counts().mapEvaluations(), automatic::toString);
        assertEquals(t, automatic.counts().vjps());
        HypergradientEstimate forward = ItdEstimator.forward(t).estimate(problem, lambda);
        assertEquals(t * 3, forward.counts().jvps(), forward::toString); // one JVP per coordinate of lambda per step
        HypergradientEstimate truncated = ItdEstimator.truncated(t, 4).estimate(problem, lambda);
        assertEquals(4, truncated.counts().vjps(), truncated::toString);
    }

    @Test
    void truncationDiffersFromFullBackPropagationAndIsNotCertifiedByTheorem21() {
        HypergradientEstimate full = ItdEstimator.reverse(20).estimate(problem, lambda);
        HypergradientEstimate cut = ItdEstimator.truncated(20, 3).estimate(problem, lambda);
        assertTrue(relativeError(cut.hypergradient(), full.hypergradient()) > 1e-3);
        assertTrue(cut.bound().note().contains("truncated"), cut.bound()::note);
    }

    @Test
    void differentiatesThroughHeavyBallToo() {
        InnerPhase hb = new InnerPhase(HeavyBallIteration.optimal(), IterationBudget.exactly(15), false);
        HypergradientEstimate reverse = ItdEstimator.builder().inner(hb).build().estimate(problem, lambda);
        HypergradientEstimate forward = ItdEstimator.builder().inner(hb).mode(ItdEstimator.Mode.FORWARD).build().estimate(problem, lambda);
        assertTrue(relativeError(reverse.hypergradient(), forward.hypergradient()) < 1e-11);
        // and with many steps it reaches the exact hypergradient
        InnerPhase long_ = new InnerPhase(HeavyBallIteration.optimal(), IterationBudget.exactly(300), false);
        HypergradientEstimate converged = ItdEstimator.builder().inner(long_).build().estimate(problem, lambda);
        assertTrue(relativeError(converged.hypergradient(), q.hypergradient(lambda)) < 1e-10, converged::toString);
    }

    @Test
    void toleranceStopsEarlyAndStrictModeRejectsAnUnconvergedInnerSolve() {
        InnerPhase tolerant = new InnerPhase(new PicardIteration(), new IterationBudget(5000, 1e-13, 0), false);
        HypergradientEstimate e = ItdEstimator.builder().inner(tolerant).build().estimate(problem, lambda);
        assertEquals(Status.CONVERGED, e.status(), e::toString);
        assertTrue(e.innerIterations() < 5000);
        assertTrue(relativeError(e.hypergradient(), q.hypergradient(lambda)) < 1e-10);
        assertThrows(UncertifiedHypergradientException.class,
                () -> ItdEstimator.builder().innerSteps(5).strict(true).build().estimate(problem, lambda));
    }

    @Test
    void divergenceIsReportedWithoutNaN() {
        OptimizationBilevelProblem bad = q.problemWithStep(3.0 / q.smoothness);
        HypergradientEstimate e = ItdEstimator.reverse(2000).estimate(bad, lambda);
        assertEquals(Status.DIVERGED, e.status(), e::toString);
        assertTrue(e.hypergradient().isFinite());
        assertFalse(e.bound().isAvailable());
    }

    @Test
    void everyEstimatorDetectsDivergenceAtTheSameStepBeforeValuesOverflow() {
        OptimizationBilevelProblem bad = q.problemWithStep(3.0 / q.smoothness);   // |1 - 3| = 2: doubles each step
        int expected = AidEstimator.fixedPoint(2000, 5).estimate(bad, lambda).innerIterations();
        assertTrue(expected < 100, "grows past 1e12 x the start within ~40 doublings, got " + expected);
        for (HypergradientEstimator est : new HypergradientEstimator[] {ItdEstimator.reverse(2000),
                ItdEstimator.checkpointed(2000), ItdEstimator.truncated(2000, 10), ItdEstimator.forward(2000)}) {
            HypergradientEstimate e = est.estimate(bad, lambda);
            assertEquals(Status.DIVERGED, e.status(), e::toString);
            assertEquals(expected, e.innerIterations(), est.name());
            assertTrue(e.inner().isFinite() && e.hypergradient().isFinite(), est.name());
        }
    }

    @Test
    void checkpointedItdStoresAboutTheSquareRootOfTheTrajectory() {
        ItdEstimator c = ItdEstimator.checkpointed(1000);
        assertEquals(32, c.checkpointInterval());
        HypergradientEstimate e = c.estimate(problem, lambda);
        assertTrue(e.message().contains("32 checkpoints"), e::message);
    }

    @Test
    void theDefaultKeepsTheTapeWhenItFitsTheBudgetAndSaysSo() {
        int t = 9;
        ItdEstimator auto = ItdEstimator.reverse(t);
        assertEquals(ItdEstimator.Mode.AUTO, auto.mode());
        assertEquals(Runtime.getRuntime().maxMemory() / 4, auto.memoryBudget());
        HypergradientEstimate e = auto.estimate(problem, lambda);
        ItdDiagnostics d = (ItdDiagnostics) e.diagnostics();
        assertEquals(ItdDiagnostics.Storage.TAPE, d.kept(), d::storage);
        assertEquals(auto.memoryBudget(), d.memoryBudget());
        // the tape holds at least every step's value (15 float64 per step) and is what the figures report
        assertTrue(d.retainedBytes() >= (long) t * 15 * Double.BYTES, d::toString);
        assertTrue(d.retainedBytes() <= d.memoryBudget(), d::toString);
        assertEquals((double) d.retainedBytes(), d.figures().get("tape_bytes_estimated"));
        assertTrue(d.storage().contains("tape of 9 linearizations kept") && d.storage().contains("within"),
                d::storage);
        assertTrue(e.message().contains(d.storage()), e::message);
        // same value as the explicit tape (same operations, so the same rounding) and as the stored trajectory
        HypergradientEstimate tape = ItdEstimator.builder().innerSteps(t).keepTape(true).build()
                .estimate(problem, lambda);
        HypergradientEstimate trajectory = ItdEstimator.builder().innerSteps(t).keepTape(false).build()
                .estimate(problem, lambda);
        assertArrayEquals(tape.hypergradient().toDoubleArray(), e.hypergradient().toDoubleArray());
        assertTrue(relativeError(e.hypergradient(), trajectory.hypergradient()) < 1e-13);
        assertEquals(-1, ((ItdDiagnostics) tape.diagnostics()).retainedBytes(), "an explicit mode makes no choice");
        assertEquals(ItdDiagnostics.Storage.TAPE, ((ItdDiagnostics) tape.diagnostics()).kept());
        assertEquals(ItdDiagnostics.Storage.TRAJECTORY, ((ItdDiagnostics) trajectory.diagnostics()).kept());
    }

    @Test
    void aboveTheBudgetTheDefaultFallsBackToTheTrajectoryThenToCheckpointsWithTheSameValue() {
        int t = 16;
        ItdDiagnostics fits = (ItdDiagnostics) ItdEstimator.reverse(t).estimate(problem, lambda).diagnostics();
        long tape = fits.retainedBytes();
        // the budget boundary: exactly the estimate keeps the tape, one byte less does not
        HypergradientEstimate at = ItdEstimator.builder().innerSteps(t).memoryBudget(tape).build()
                .estimate(problem, lambda);
        assertEquals(ItdDiagnostics.Storage.TAPE, ((ItdDiagnostics) at.diagnostics()).kept());
        HypergradientEstimate below = ItdEstimator.builder().innerSteps(t).memoryBudget(tape - 1).build()
                .estimate(problem, lambda);
        ItdDiagnostics d = (ItdDiagnostics) below.diagnostics();
        // the trajectory (17 states of 15 float64 = 2,040 bytes) still fits: stored and re-linearized
        assertTrue(tape - 1 >= 17 * 15 * Double.BYTES, () -> "the tape is larger than the trajectory: " + tape);
        assertEquals(ItdDiagnostics.Storage.TRAJECTORY, d.kept(), d::storage);
        assertEquals(tape - 1, d.memoryBudget());
        assertEquals(tape, d.retainedBytes());
        assertTrue(d.storage().startsWith("trajectory of 17 states stored") && d.storage().contains("above"),
                d::storage);
        // below the trajectory too: checkpoints
        HypergradientEstimate tight = ItdEstimator.builder().innerSteps(t).memoryBudget(17 * 15 * Double.BYTES - 1)
                .build().estimate(problem, lambda);
        ItdDiagnostics c = (ItdDiagnostics) tight.diagnostics();
        assertEquals(ItdDiagnostics.Storage.CHECKPOINTS, c.kept(), c::storage);
        assertTrue(c.storage().startsWith("4 checkpoints every 4 steps") && c.storage().contains("2,040 bytes, above"),
                c::storage);
        HypergradientEstimate trajectory = ItdEstimator.builder().innerSteps(t).keepTape(false).build()
                .estimate(problem, lambda);
        HypergradientEstimate checkpointed = ItdEstimator.checkpointed(t).estimate(problem, lambda);
        assertArrayEquals(trajectory.hypergradient().toDoubleArray(), below.hypergradient().toDoubleArray());
        assertTrue(relativeError(tight.hypergradient(), checkpointed.hypergradient()) < 1e-13);
        for (HypergradientEstimate e : new HypergradientEstimate[] {at, below, tight}) {
            assertTrue(relativeError(e.hypergradient(), unrolled(t)) < 1e-12, e::toString);
        }
        // the evaluations: t + 1 with the tape, 2t + 1 re-linearizing, more when segments are recomputed
        assertEquals(t + 1, at.counts().mapEvaluations(), at::toString);
        assertEquals(2 * t + 1, below.counts().mapEvaluations(), below::toString);
        assertTrue(tight.counts().mapEvaluations() > 2 * t + 1, tight::toString);
    }

    @Test
    void withoutAReportedSizeTheDefaultKeepsTheTrajectoryIfItFits() {
        int t = 8;
        // the same map with a hand-written linearization that does not report its size
        FixedPointOperator map = problem.innerMap();
        FixedPointOperator opaque = new FixedPointOperator() {
            @Override
            public Tensor apply(Tensor inner, Tensor outer) {
                return map.apply(inner, outer);
            }

            @Override
            public Linearization linearize(Tensor inner, Tensor outer) {
                Linearization lin = map.linearize(inner, outer);
                return new Linearization() {
                    @Override
                    public Tensor value() {
                        return lin.value();
                    }

                    @Override
                    public PartialGradients vjp(Tensor cotangent) {
                        return lin.vjp(cotangent);
                    }
                };
            }
        };
        BilevelProblem fixedPoint = BilevelProblem.fixedPoint(problem.outerObjective(), opaque, problem.innerShape(),
                problem.outerShape());
        HypergradientEstimate e = ItdEstimator.reverse(t).estimate(fixedPoint, lambda);
        ItdDiagnostics d = (ItdDiagnostics) e.diagnostics();
        assertEquals(ItdDiagnostics.Storage.TRAJECTORY, d.kept(), d::storage);
        assertEquals((t + 1L) * 15 * Double.BYTES, d.retainedBytes(), "t + 1 states of 15 float64");
        assertTrue(d.storage().contains("does not report its size"), d::storage);
        HypergradientEstimate tight = ItdEstimator.builder().innerSteps(t).memoryBudget(100).build()
                .estimate(fixedPoint, lambda);
        assertTrue(((ItdDiagnostics) tight.diagnostics()).storage().contains("no tape"));
        assertEquals(ItdDiagnostics.Storage.CHECKPOINTS, ((ItdDiagnostics) tight.diagnostics()).kept());
        Tensor expected = unrolled(t);
        assertTrue(relativeError(e.hypergradient(), expected) < 1e-12);
        assertTrue(relativeError(tight.hypergradient(), expected) < 1e-12);
    }
}
