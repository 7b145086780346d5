package org.bilevel4j.algorithms.outer;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.QuadraticBilevel;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * The outer loop end to end on the quadratic problem
 * g(w, λ) = ½w'Hw - w'Bλ, E(w, λ) = ½||w - w_target||² + ½theta||λ||², whose
 * hypergradient theta λ + B'H^-1(w*(λ) - w_target) and minimiser are known in closed form, with AID-CG(200, 50).
 */
class BilevelSolverTest {
    private static final QuadraticBilevel Q = new QuadraticBilevel(10, 3, 1, 10, 0.5, 401);
    private static final AidEstimator AID = AidEstimator.conjugateGradient(200, 50);
    /** 1 / (upper bound on the curvature of f): rate at most 1 - theta/L_f = 2/3 per step. */
    private static final double STEP = 1 / Q.outerSmoothness();

    private static Tensor lambda0() {
        return randomVector(Q.p, new SplittableRandom(402)).mul(2);
    }

    @Test
    void aidEstimateMatchesTheClosedFormHypergradient() {
        Tensor lambda = lambda0();
        HypergradientEstimate e = AID.estimate(Q.problem(), lambda);
        assertTrue(relativeError(e.hypergradient(), Q.hypergradient(lambda)) <= 1e-9, e::toString);
        assertTrue(relativeError(e.inner(), Q.innerSolution(lambda)) <= 1e-10, e::toString);
        assertTrue(!e.status().isFailure(), e::toString);
    }

    @Test
    void gradientDescentConvergesToTheClosedFormMinimiser() {
        Tensor outer0 = lambda0();
        Tensor copy = outer0.add(0.0);
        BilevelResult r = BilevelSolver.builder(AID, OuterOptimizer.gradientDescent(STEP)).maxIterations(80).build()
                .solve(Q.problem(), outer0);

        Tensor minimiser = Q.outerMinimizer();
        assertTrue(relativeError(r.outer(), minimiser) <= 1e-8,
                () -> "error " + relativeError(r.outer(), minimiser) + ": " + r.message());
        assertEquals(Status.BUDGET_EXHAUSTED, r.status(), r.message());
        assertEquals(80, r.iterations());
        assertEquals(80, r.history().size());
        assertEquals(0.0, outer0.sub(copy).normValue(), "outer0 is not modified");
        // the objective decreases monotonically for gradient descent with step 1/L_f
        for (int i = 1; i < r.history().size(); i++) {
            assertTrue(r.history().get(i).objective() <= r.history().get(i - 1).objective() + 1e-12, "i = " + i);
        }
        // f(lambda*) is the smallest value seen
        assertEquals(Q.outerValue(minimiser), r.history().get(79).objective(), 1e-10);
        // counts add up
        OracleCounts sum = OracleCounts.ZERO;
        for (IterationRecord rec : r.history()) {
            sum = sum.plus(rec.counts());
        }
        assertEquals(sum, r.totalCounts());
        assertTrue(r.totalCounts().mapEvaluations() >= 80 * 200, r.totalCounts()::toString);
    }

    @Test
    void anExactlyZeroHypergradientDoesNotStopARunWithoutAGradientTolerance() {
        // Phi does not depend on lambda and E not on lambda: every hypergradient is exactly 0
        BilevelProblem flat = BilevelProblem.fixedPoint(ScalarObjective.of((w, l) -> w.square().sum()),
                FixedPointOperator.of(BivariateMap.of((w, l) -> w.mul(0.5).add(1.0)), l -> ContractionInfo.known(0.5),
                        true), Shape.of(3), Shape.of(2));
        BilevelResult r = BilevelSolver.builder(AidEstimator.conjugateGradient(20, 5),
                OuterOptimizer.gradientDescent(0.1)).maxIterations(5).build().solve(flat, B.zeros(2));
        assertEquals(0.0, r.history().get(0).hypergradientNorm());
        assertEquals(5, r.iterations(), r.message());
        assertEquals(Status.BUDGET_EXHAUSTED, r.status());
    }

    @Test
    void listenersAreCalledOncePerIterationInOrder() {
        List<OuterIteration> seen = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        Projection box = Projection.box(-0.3, 0.3);
        Tensor outer0 = B.vector(2, -2, 0.1);
        BilevelResult r = BilevelSolver.builder(AID, OuterOptimizer.nesterov(STEP, 0.5)).maxIterations(7)
                .projection(box).listener(seen::add).listener(it -> second.add(it.iteration())).build()
                .solve(Q.problem(), outer0);

        assertEquals(7, r.iterations());
        assertEquals(7, seen.size());
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), second);
        assertEquals(7, r.history().size());
        // the start is projected first
        assertEquals(0.0, seen.get(0).outer().sub(B.vector(0.3, -0.3, 0.1)).normValue());
        for (int i = 0; i < seen.size(); i++) {
            OuterIteration it = seen.get(i);
            assertEquals(i + 1, it.iteration());
            assertEquals(i + 1, r.history().get(i).iteration());
            assertTrue(it.next().abs().max().item() <= 0.3, "every iterate is feasible");
            assertEquals(it.next().sub(it.outer()).normValue(), r.history().get(i).stepNorm(), 1e-15);
            assertEquals(it.hypergradientNorm(), r.history().get(i).hypergradientNorm(), 0.0);
            assertTrue(relativeError(it.estimate().hypergradient(), Q.hypergradient(it.outer())) <= 1e-8);
            if (i > 0) {
                assertEquals(0.0, it.outer().sub(seen.get(i - 1).next()).normValue(), "lambda_{i+1} = next_i");
                assertTrue(it.elapsedNanos() >= seen.get(i - 1).elapsedNanos());
            }
        }
        assertEquals(0.0, r.outer().sub(seen.get(6).next()).normValue());
    }

    @Test
    void divergingEstimateStopsTheRunWithoutUpdatingLambda() {
        // inner map w - (3/L) grad g: not a contraction (factor |1 - 3| = 2 on the top eigenvector)
        var problem = Q.problemWithStep(3 / Q.smoothness);
        List<OuterIteration> seen = new ArrayList<>();
        BilevelResult r = BilevelSolver.builder(AID, OuterOptimizer.gradientDescent(STEP)).maxIterations(50)
                .listener(seen::add).build().solve(problem, B.zeros(Q.p));

        // at lambda = 0 the inner iterate stays at w = 0 and the estimate is exact: -B'H^-1 w_target
        assertEquals(Status.DIVERGED, r.status(), r.message());
        assertEquals(1, r.iterations(), r.message());
        assertEquals(1, r.history().size());
        assertEquals(1, seen.size(), "no listener call for the diverged estimate");
        Tensor lambda1 = Q.b.matmul(Q.h.solve(Q.wTarget), true, false).mul(STEP);
        assertTrue(relativeError(r.outer(), lambda1) <= 1e-9, () -> "lambda must stay at lambda_1: " + r.outer());
        assertEquals(0.0, r.outer().sub(seen.get(0).next()).normValue());
        assertEquals(Status.DIVERGED, r.lastEstimate().status());
        assertTrue(r.message().contains("DIVERGED"), r.message());
    }

    @Test
    void divergingFirstEstimateKeepsTheStart() {
        var problem = Q.problemWithStep(3 / Q.smoothness);
        Tensor outer0 = lambda0();
        BilevelResult r = BilevelSolver.builder(AID, OuterOptimizer.adam(0.1)).maxIterations(50).build()
                .solve(problem, outer0);
        assertEquals(Status.DIVERGED, r.status());
        assertEquals(0, r.iterations());
        assertTrue(r.history().isEmpty());
        assertEquals(0.0, r.outer().sub(outer0).normValue());
    }

    @Test
    void builderValidatesItsSettings() {
        BilevelSolver.Builder b = BilevelSolver.builder(AID, OuterOptimizer.gradientDescent(0.1));
        assertThrows(IllegalArgumentException.class, () -> b.maxIterations(0));
        assertThrows(IllegalArgumentException.class, () -> b.gradientTolerance(-1));
        assertThrows(IllegalArgumentException.class, () -> b.gradientTolerance(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> b.maxSeconds(0));
        assertThrows(NullPointerException.class, () -> BilevelSolver.builder(null, OuterOptimizer.adam(0.1)));
    }
}
