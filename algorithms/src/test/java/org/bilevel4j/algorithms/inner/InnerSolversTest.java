package org.bilevel4j.algorithms.inner;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.algorithms.TestMatrices.withSingularValues;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import org.bilevel4j.algorithms.QuadraticBilevel;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Inner solvers on g(w, λ) = ½w'Hw - w'Bλ with the spectrum of H exactly [mu, L], whose minimiser
 * H^-1 B λ is known; iterates are compared with the recurrences written out densely.
 */
class InnerSolversTest {

    private static final QuadraticBilevel KAPPA_10 = new QuadraticBilevel(20, 4, 1, 10, 0.5, 201);
    private static final QuadraticBilevel KAPPA_100 = new QuadraticBilevel(20, 4, 0.5, 50, 0.5, 202);

    private static Tensor lambda(QuadraticBilevel q, long seed) {
        return randomVector(q.p, new SplittableRandom(seed)).mul(2);
    }

    private static Tensor start(QuadraticBilevel q, long seed) {
        return randomVector(q.n, new SplittableRandom(seed));
    }

    /** Dense gradient descent w ← w - a (Hw - Bλ). */
    private static Tensor gradientDescent(QuadraticBilevel q, Tensor lambda, Tensor w0, double a, int steps) {
        Tensor w = w0;
        for (int i = 0; i < steps; i++) {
            w = w.sub(q.innerGradient(w, lambda).mul(a));
        }
        return w;
    }

    @Test
    void picardIsGradientDescentWithTheOptimalStepAndContractsAtRateQ() {
        QuadraticBilevel q = KAPPA_10;
        OptimizationBilevelProblem problem = q.problem();
        Tensor lambda = lambda(q, 1);
        Tensor w0 = start(q, 2);
        Tensor exact = q.innerSolution(lambda);
        double initialError = w0.sub(exact).normValue();
        double rate = q.optimalContraction();
        double step = 2 / (q.mu + q.smoothness);
        for (int t : new int[] {0, 1, 2, 5, 10, 20, 40, 80}) {
            InnerRun run = new PicardIteration().run(problem, lambda, w0, IterationBudget.exactly(t));
            assertEquals(t, run.iterations());
            assertEquals(t, run.stepNorms().length);
            assertEquals(Status.BUDGET_EXHAUSTED, run.status());
            double error = run.inner().sub(exact).normValue();
            assertTrue(error <= Math.pow(rate, t) * initialError * (1 + 1e-10) + 1e-12 * exact.normValue(),
                    "t = " + t + ": " + error);
            Tensor dense = gradientDescent(q, lambda, w0, step, t);
            assertTrue(run.inner().sub(dense).normValue() <= 1e-10 * (dense.normValue() + 1), "t = " + t);
        }
    }

    @Test
    void stepNormsAreTheDistancesBetweenSuccessiveIterates() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 3);
        Tensor w0 = start(q, 4);
        double step = 2 / (q.mu + q.smoothness);
        InnerRun run = new PicardIteration().run(q.problem(), lambda, w0, IterationBudget.exactly(6));
        Tensor w = w0;
        for (int i = 0; i < 6; i++) {
            Tensor next = w.sub(q.innerGradient(w, lambda).mul(step));
            assertEquals(next.sub(w).normValue(), run.stepNorms()[i], 1e-10 * (1 + w.normValue()), "i = " + i);
            w = next;
        }
        assertEquals(run.stepNorms()[5], run.lastStepNorm());
        assertTrue(Double.isNaN(new PicardIteration().run(q.problem(), lambda, w0, IterationBudget.exactly(0))
                .lastStepNorm()));
    }

    @Test
    void runWithAToleranceStopsEarlyWithConverged() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 5);
        IterationBudget budget = IterationBudget.of(10_000, 1e-10);
        InnerRun run = new PicardIteration().run(q.problem(), lambda, q.problem().initialInner(lambda), budget);
        assertEquals(Status.CONVERGED, run.status(), run::toString);
        assertTrue(run.iterations() < 10_000);
        assertEquals(run.iterations(), run.stepNorms().length);
        // the stopping rule: ||w_t - w_{t-1}|| <= rtol max(||w_t||, ||w_{t-1}||)
        assertTrue(run.lastStepNorm() <= 1e-10 * (run.inner().normValue() + run.lastStepNorm()));
        for (int i = 0; i < run.iterations() - 1; i++) {
            assertTrue(run.stepNorms()[i] > 1e-10 * run.inner().normValue() * 0.99, "stopped late at " + i);
        }
        // for a q-contraction ||w_t - w*|| <= q/(1 - q) ||w_t - w_{t-1}||
        double rate = q.optimalContraction();
        double error = run.inner().sub(q.innerSolution(lambda)).normValue();
        assertTrue(error <= rate / (1 - rate) * run.lastStepNorm() * (1 + 1e-6) + 1e-14, () -> "error " + error);
    }

    @Test
    void gradientDescentWithStepOneOverLConverges() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 6);
        Tensor w0 = start(q, 7);
        GradientDescentIteration gd = GradientDescentIteration.withStep(1 / q.smoothness);
        InnerRun run = gd.run(q.problem(), lambda, w0, IterationBudget.of(5000, 1e-13));
        assertEquals(Status.CONVERGED, run.status(), run::toString);
        assertTrue(relativeError(run.inner(), q.innerSolution(lambda)) <= 1e-10, run::toString);
        // exactly the dense recurrence with step 1/L, error contracting by 1 - mu/L
        InnerRun ten = gd.run(q.problem(), lambda, w0, IterationBudget.exactly(10));
        Tensor dense = gradientDescent(q, lambda, w0, 1 / q.smoothness, 10);
        assertTrue(ten.inner().sub(dense).normValue() <= 1e-10 * dense.normValue());
        double initialError = w0.sub(q.innerSolution(lambda)).normValue();
        assertTrue(ten.inner().sub(q.innerSolution(lambda)).normValue()
                <= Math.pow(1 - q.mu / q.smoothness, 10) * initialError * (1 + 1e-10));
    }

    @Test
    void gradientDescentWithTheOptimalStepMatchesPicard() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 8);
        Tensor w0 = start(q, 9);
        InnerRun gd = GradientDescentIteration.optimalStep().run(q.problem(), lambda, w0, IterationBudget.exactly(15));
        InnerRun picard = new PicardIteration().run(q.problem(), lambda, w0, IterationBudget.exactly(15));
        assertTrue(gd.inner().sub(picard.inner()).normValue() <= 1e-12 * picard.inner().normValue());
    }

    @Test
    void gradientDescentWithTooLargeAStepDiverges() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 10);
        // |1 - 3| = 2 on the top eigenvector: the iterate doubles each step
        InnerRun run = GradientDescentIteration.withStep(3 / q.smoothness).run(q.problem(), lambda,
                q.problem().initialInner(lambda), IterationBudget.of(1000, 1e-12));
        assertEquals(Status.DIVERGED, run.status(), run::toString);
        assertTrue(run.iterations() < 1000);
        assertTrue(run.iterations() <= 80, "1e12 growth at rate 2 takes about 40 steps: " + run);
        assertEquals(run.iterations(), run.stepNorms().length);
    }

    /** Heavy ball with a = 4/(sqrt L + sqrt mu)^2, b = ((sqrt L - sqrt mu)/(sqrt L + sqrt mu))^2, w_{-1} = w_0. */
    private static Tensor heavyBall(QuadraticBilevel q, Tensor lambda, Tensor w0, int steps) {
        double sl = Math.sqrt(q.smoothness);
        double sm = Math.sqrt(q.mu);
        double a = 4 / ((sl + sm) * (sl + sm));
        double b = ((sl - sm) / (sl + sm)) * ((sl - sm) / (sl + sm));
        Tensor prev = w0;
        Tensor w = w0;
        for (int i = 0; i < steps; i++) {
            Tensor next = w.sub(q.innerGradient(w, lambda).mul(a)).add(w.sub(prev).mul(b));
            prev = w;
            w = next;
        }
        return w;
    }

    /** Nesterov with a = 1/L, b = (sqrt kappa - 1)/(sqrt kappa + 1), w_{-1} = w_0. */
    private static Tensor nesterov(QuadraticBilevel q, Tensor lambda, Tensor w0, int steps) {
        double sk = Math.sqrt(q.smoothness / q.mu);
        double a = 1 / q.smoothness;
        double b = (sk - 1) / (sk + 1);
        Tensor prev = w0;
        Tensor w = w0;
        for (int i = 0; i < steps; i++) {
            Tensor y = w.add(w.sub(prev).mul(b));
            Tensor next = y.sub(q.innerGradient(y, lambda).mul(a));
            prev = w;
            w = next;
        }
        return w;
    }

    @Test
    void momentumIteratesFollowTheirRecurrences() {
        QuadraticBilevel q = KAPPA_100;
        Tensor lambda = lambda(q, 11);
        Tensor w0 = start(q, 12);
        for (int t : new int[] {1, 2, 7, 30}) {
            InnerRun hb = HeavyBallIteration.optimal().run(q.problem(), lambda, w0, IterationBudget.exactly(t));
            Tensor hbDense = heavyBall(q, lambda, w0, t);
            assertTrue(hb.inner().sub(hbDense).normValue() <= 1e-9 * hbDense.normValue(), "heavy ball t = " + t);
            InnerRun nag = NesterovIteration.optimal().run(q.problem(), lambda, w0, IterationBudget.exactly(t));
            Tensor nagDense = nesterov(q, lambda, w0, t);
            assertTrue(nag.inner().sub(nagDense).normValue() <= 1e-9 * nagDense.normValue(), "nesterov t = " + t);
            assertEquals(Shape.of(q.n), hb.inner().shape());
        }
    }

    @Test
    void momentumMethodsBeatGradientDescentAtKappa100() {
        QuadraticBilevel q = KAPPA_100;
        Tensor lambda = lambda(q, 13);
        Tensor w0 = start(q, 14);
        Tensor exact = q.innerSolution(lambda);
        IterationBudget sixty = IterationBudget.exactly(60);
        double gd = new PicardIteration().run(q.problem(), lambda, w0, sixty).inner().sub(exact).normValue();
        double hb = HeavyBallIteration.optimal().run(q.problem(), lambda, w0, sixty).inner().sub(exact).normValue();
        double nag = NesterovIteration.optimal().run(q.problem(), lambda, w0, sixty).inner().sub(exact).normValue();
        assertTrue(hb < gd, () -> "heavy ball " + hb + " vs gd " + gd);
        assertTrue(nag < gd, () -> "nesterov " + nag + " vs gd " + gd);
        // rates (sqrt(kappa) - 1)/(sqrt(kappa) + 1) = 0.818 and about 1 - 1/sqrt(kappa) = 0.9, vs 0.98 for gd
        assertTrue(hb < 0.01 * gd && nag < 0.1 * gd, () -> hb + " " + nag + " " + gd);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"heavy-ball", "nesterov"})
    void momentumMethodsConvergeToTheMinimiser(String method) {
        QuadraticBilevel q = KAPPA_100;
        Tensor lambda = lambda(q, 15);
        InnerSolver solver = method.equals("heavy-ball") ? HeavyBallIteration.optimal() : NesterovIteration.optimal();
        InnerRun run = solver.run(q.problem(), lambda, start(q, 16), IterationBudget.of(3000, 1e-13));
        assertEquals(Status.CONVERGED, run.status(), run::toString);
        assertTrue(relativeError(run.inner(), q.innerSolution(lambda)) <= 1e-9, run::toString);
        assertTrue(run.iterations() < 1000, run::toString);
        // the state is (w, w_prev)
        assertEquals(2 * q.n, run.state().size());
        assertTrue(solver.inner(q.problem(), run.state()).sub(run.inner()).normValue() == 0);
    }

    @Test
    void momentumWithExplicitConstantsIsTheirRecurrence() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 17);
        Tensor w0 = start(q, 18);
        double a = 0.05;
        double b = 0.6;
        InnerRun run = HeavyBallIteration.withConstants(a, b).run(q.problem(), lambda, w0, IterationBudget.exactly(5));
        Tensor prev = w0;
        Tensor w = w0;
        for (int i = 0; i < 5; i++) {
            Tensor next = w.sub(q.innerGradient(w, lambda).mul(a)).add(w.sub(prev).mul(b));
            prev = w;
            w = next;
        }
        assertTrue(run.inner().sub(w).normValue() <= 1e-12 * w.normValue());
        // b = 0 is gradient descent
        InnerRun nag0 = NesterovIteration.withConstants(0.07, 0).run(q.problem(), lambda, w0,
                IterationBudget.exactly(5));
        assertTrue(nag0.inner().sub(gradientDescent(q, lambda, w0, 0.07, 5)).normValue() <= 1e-12 * w.normValue());
    }

    @Test
    void initialStateHoldsTheStartingPoint() {
        QuadraticBilevel q = KAPPA_10;
        Tensor w0 = start(q, 19);
        for (InnerSolver s : new InnerSolver[] {new PicardIteration(), GradientDescentIteration.optimalStep(),
                HeavyBallIteration.optimal(), NesterovIteration.optimal()}) {
            Tensor state = s.initialState(q.problem(), w0);
            assertEquals(0.0, s.inner(q.problem(), state).sub(w0).normValue(), s.name());
        }
    }

    @Test
    void warmStartAtTheMinimiserConvergesInOneStep() {
        QuadraticBilevel q = KAPPA_10;
        Tensor lambda = lambda(q, 20);
        Tensor exact = q.innerSolution(lambda);
        for (InnerSolver s : new InnerSolver[] {new PicardIteration(), HeavyBallIteration.optimal(),
                NesterovIteration.optimal()}) {
            InnerRun run = s.run(q.problem(), lambda, exact, IterationBudget.of(100, 1e-10));
            assertEquals(Status.CONVERGED, run.status(), s.name());
            assertEquals(1, run.iterations(), s.name());
        }
    }

    /** A fixed-point-only problem: Φ(w, λ) = M w + C λ with ||M|| = 0.5. */
    private static BilevelProblem fixedPointProblem(Tensor m, Tensor c, int n, int p) {
        BinaryOperator<Tensor> phi = (w, l) -> m.matmul(w).add(c.matmul(l));
        return BilevelProblem.fixedPoint(
                org.bilevel4j.api.map.ScalarObjective.of((w, l) -> w.dot(w).mul(0.5)),
                FixedPointOperator.of(phi), Shape.of(n), Shape.of(p));
    }

    @Test
    void momentumAndGradientSolversNeedAnInnerObjective() {
        SplittableRandom rng = new SplittableRandom(21);
        int n = 6;
        BilevelProblem problem = fixedPointProblem(withSingularValues(n, n, DenseMatrices.geometric(n, 0.1, 0.5), rng),
                TestMatrices.randomMatrix(n, 2, 1, rng), n, 2);
        Tensor lambda = B.vector(1, -1);
        Tensor w0 = B.zeros(n);
        for (InnerSolver s : new InnerSolver[] {HeavyBallIteration.optimal(), NesterovIteration.optimal(),
                HeavyBallIteration.withConstants(0.1, 0.5), NesterovIteration.withConstants(0.1, 0.5),
                GradientDescentIteration.withStep(0.1), GradientDescentIteration.optimalStep()}) {
            UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                    () -> s.run(problem, lambda, w0, IterationBudget.exactly(3)), s.name());
            assertTrue(e.getMessage().contains("fixed-point form"), e::getMessage);
        }
    }

    @Test
    void picardSolvesAFixedPointOnlyProblem() {
        SplittableRandom rng = new SplittableRandom(22);
        int n = 6;
        Tensor m = withSingularValues(n, n, DenseMatrices.geometric(n, 0.1, 0.5), rng);
        Tensor c = TestMatrices.randomMatrix(n, 2, 1, rng);
        BilevelProblem problem = fixedPointProblem(m, c, n, 2);
        Tensor lambda = B.vector(1, -1);
        InnerRun run = new PicardIteration().run(problem, lambda, B.zeros(n), IterationBudget.of(500, 1e-13));
        assertEquals(Status.CONVERGED, run.status());
        Tensor exact = B.identity(n).sub(m).solve(c.matmul(lambda));
        assertTrue(relativeError(run.inner(), exact) <= 1e-11, run::toString);
    }

    @Test
    void optimalConstantsNeedCurvatureBounds() {
        QuadraticBilevel q = KAPPA_10;
        OptimizationBilevelProblem noCurvature = q.problemWithStep(0.1);
        Tensor lambda = lambda(q, 23);
        Tensor w0 = B.zeros(q.n);
        for (InnerSolver s : new InnerSolver[] {HeavyBallIteration.optimal(), NesterovIteration.optimal(),
                GradientDescentIteration.optimalStep()}) {
            UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                    () -> s.run(noCurvature, lambda, w0, IterationBudget.exactly(2)), s.name());
            assertTrue(e.getMessage().contains("curvature"), e::getMessage);
        }
        // explicit constants need none
        InnerRun run = HeavyBallIteration.withConstants(0.05, 0.5).run(noCurvature, lambda, w0,
                IterationBudget.exactly(2));
        assertTrue(run.inner().isFinite());
    }

    @Test
    void rejectsInvalidConstants() {
        assertThrows(IllegalArgumentException.class, () -> GradientDescentIteration.withStep(0));
        assertThrows(IllegalArgumentException.class, () -> GradientDescentIteration.withStep(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> HeavyBallIteration.withConstants(-1, 0.5));
        assertThrows(IllegalArgumentException.class, () -> HeavyBallIteration.withConstants(0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> NesterovIteration.withConstants(0.1, -0.1));
        assertThrows(IllegalArgumentException.class, () -> NesterovIteration.withConstants(Double.POSITIVE_INFINITY,
                0.5));
    }

    @Test
    void fixedStepWithCurvatureDeclaresTheContractionOfThatStepAndIsGradientDescent() {
        QuadraticBilevel q = new QuadraticBilevel(8, 3, 0.5, 4.0, 0.1, 17);
        double step = 0.3;   // q = max(|1 - 0.3 * 0.5|, |1 - 0.3 * 4|) = 0.85
        OptimizationBilevelProblem p = BilevelProblem.optimization(q.outerObjective, q.innerObjective, Shape.of(q.n),
                Shape.of(q.p), step, l -> new CurvatureBounds(q.mu, q.smoothness));
        Tensor lambda = B.vector(0.5, -1, 2);
        assertEquals(0.85, p.innerMap().contraction(lambda).constant(), 1e-15);
        assertEquals(q.smoothness, p.curvature(lambda).orElseThrow().smoothness());
        Tensor w = randomVector(q.n, new SplittableRandom(3));
        Tensor expected = w.sub(q.innerGradient(w, lambda).mul(step));
        assertTrue(relativeError(p.innerMap().apply(w, lambda), expected) < 1e-14);
        InnerRun run = new PicardIteration().run(p, lambda, B.zeros(q.n), IterationBudget.of(400, 1e-13));
        assertTrue(relativeError(run.inner(), q.innerSolution(lambda)) < 1e-10, run::toString);
    }
}
