package org.bilevel4j.algorithms.aid;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.QuadraticBilevel;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.UncertifiedHypergradientException;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/** The AID estimator's certified output: values, counts, statuses, warm starts, damping, strict mode, bad input. */
class AidEstimatorTest {
    private final QuadraticBilevel q = new QuadraticBilevel(20, 4, 1.0, 30.0, 0.1, 5);
    private final OptimizationBilevelProblem problem = q.problem();
    private final Tensor lambda = TestMatrices.randomVector(4, new SplittableRandom(9));

    private static AidEstimator converging() {
        return AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(2000, 1e-14, 0), false))
                .linearSolver(new ConjugateGradientSolver(), new IterationBudget(200, 1e-13, 0)).build();
    }

    @Test
    void convergedEstimateMatchesTheClosedFormAndIsCertified() {
        HypergradientEstimate e = converging().estimate(problem, lambda);
        assertEquals(Status.CONVERGED, e.status(), e::toString);
        assertTrue(relativeError(e.hypergradient(), q.hypergradient(lambda)) < 1e-11, e::toString);
        assertTrue(relativeError(e.inner(), q.innerSolution(lambda)) < 1e-12);
        // the adjoint solves (I - d1Phi^T) v = grad_1 E, i.e. alpha H v = w - target
        double alpha = problem.innerMap().step(lambda);
        Tensor residual = q.h.matmul(e.diagnostics(AidDiagnostics.class).adjoint()).mul(alpha).sub(e.inner().sub(q.wTarget));
        assertTrue(residual.normValue() < 1e-11, () -> "adjoint residual " + residual.normValue());
        assertEquals(residual.normValue(), e.diagnostics(AidDiagnostics.class).adjointResidual(), 1e-11);
        assertTrue(e.innerResidual() < 1e-12 && e.diagnostics(AidDiagnostics.class).adjointResidual() < 1e-11);
        assertEquals(q.outerValue(lambda), e.outerValue(), 1e-10);
        // q is known from the curvature bounds: inner and adjoint error bounds are reported
        assertEquals(q.optimalContraction(), e.bound().contraction(), 1e-15);
        assertTrue(e.bound().innerError() >= e.inner().sub(q.innerSolution(lambda)).normValue());
        assertFalse(e.bound().isAvailable(), "no Lipschitz constants: no hypergradient bound");
    }

    @Test
    void oracleCountsAreExact() {
        HypergradientEstimate e = AidEstimator.conjugateGradient(7, 5).estimate(problem, lambda);
        // 7 inner steps + 1 linearization; 5 CG iterations + 1 joint VJP for the hypergradient and the residual
        assertEquals(8, e.counts().mapEvaluations(), e::toString);
        assertEquals(6, e.counts().vjps(), e::toString);
        assertEquals(0, e.counts().jvps());
        assertEquals(1, e.counts().gradients());
        // CG on the normal equations: A^T v is a VJP too when d1Phi is declared symmetric, a JVP otherwise
        HypergradientEstimate sym = AidEstimator.normalEquations(7, 5).estimate(problem, lambda);
        assertEquals(11, sym.counts().vjps(), sym::toString);
        assertEquals(0, sym.counts().jvps(), sym::toString);
        FixedPointOperator undeclared = FixedPointOperator.of(problem.innerMap(), l -> ContractionInfo.unknown(), false);
        BilevelProblem general = BilevelProblem.fixedPoint(problem.outerObjective(), undeclared, problem.innerShape(),
                problem.outerShape());
        HypergradientEstimate n = AidEstimator.normalEquations(7, 5).estimate(general, lambda);
        assertEquals(6, n.counts().vjps(), n::toString);
        assertEquals(5, n.counts().jvps(), n::toString);
        assertTrue(relativeError(n.hypergradient(), sym.hypergradient()) < 1e-10);
    }

    @Test
    void fixedBudgetsAreReportedAsBudgetExhaustedNeverAsConverged() {
        HypergradientEstimate e = AidEstimator.conjugateGradient(5, 3).estimate(problem, lambda);
        assertEquals(Status.BUDGET_EXHAUSTED, e.status());
        assertEquals(5, e.innerIterations());
        assertEquals(3, e.diagnostics(AidDiagnostics.class).linearIterations());
        assertTrue(e.innerResidual() > 1e-6, "the inner solve cannot have converged in 5 steps");
    }

    @Test
    void strictModeThrowsInsteadOfReturningAnUnconvergedHypergradient() {
        AidEstimator strict = AidEstimator.builder().innerSteps(5).linearSolver(new ConjugateGradientSolver(), 3)
                .strict(true).build();
        UncertifiedHypergradientException ex = assertThrows(UncertifiedHypergradientException.class,
                () -> strict.estimate(problem, lambda));
        assertEquals(Status.BUDGET_EXHAUSTED, ex.estimate().status());
        assertTrue(ex.getMessage().contains("strict mode") && ex.getMessage().contains("BUDGET_EXHAUSTED"));
        // a converging configuration passes in strict mode
        AidEstimator ok = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(2000, 1e-14, 0), false))
                .linearSolver(new ConjugateGradientSolver(), new IterationBudget(200, 1e-13, 0)).strict(true).build();
        assertEquals(Status.CONVERGED, ok.estimate(problem, lambda).status());
    }

    @Test
    void warmStartsReuseTheInnerIterateAndTheAdjoint() {
        AidEstimator cold = converging();
        AidEstimator warm = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(2000, 1e-14, 0), true))
                .linearSolver(new ConjugateGradientSolver(), new IterationBudget(200, 1e-13, 0))
                .warmStart(true, true).build();
        HypergradientEstimate first = warm.estimate(problem, lambda);
        Tensor nearby = lambda.add(0.01);
        HypergradientEstimate c = cold.estimate(problem, nearby);
        HypergradientEstimate w = warm.estimate(problem, nearby, first);
        assertTrue(w.innerIterations() < c.innerIterations(), w.innerIterations() + " vs " + c.innerIterations());
        assertTrue(w.diagnostics(AidDiagnostics.class).linearIterations() < c.diagnostics(AidDiagnostics.class).linearIterations(), w.diagnostics(AidDiagnostics.class).linearIterations() + " vs " + c.diagnostics(AidDiagnostics.class).linearIterations());
        assertTrue(relativeError(w.hypergradient(), c.hypergradient()) < 1e-10);
        // at the same lambda, a warm start from a converged estimate needs (almost) nothing
        HypergradientEstimate again = warm.estimate(problem, lambda, first);
        assertTrue(again.innerIterations() <= 1 && again.diagnostics(AidDiagnostics.class).linearIterations() <= 1, again::toString);
    }

    @Test
    void dampingSolvesTheShiftedSystem() {
        double rho = 0.5;
        AidEstimator damped = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), new IterationBudget(2000, 1e-14, 0), false))
                .linearSolver(new ConjugateGradientSolver(), new IterationBudget(200, 1e-13, 0)).damping(rho).build();
        HypergradientEstimate e = damped.estimate(problem, lambda);
        double alpha = problem.innerMap().step(lambda);
        // (alpha H + rho I) v = w - target, and the reported residual is that of the undamped system
        Tensor v = e.diagnostics(AidDiagnostics.class).adjoint();
        Tensor shifted = q.h.matmul(v).mul(alpha).add(v.mul(rho)).sub(e.inner().sub(q.wTarget));
        assertTrue(shifted.normValue() < 1e-10, () -> "damped residual " + shifted.normValue());
        assertTrue(e.diagnostics(AidDiagnostics.class).adjointResidual() > 1e-3, "the undamped residual is reported, not the damped one");
    }

    @Test
    void everyVariantAgreesOnASymmetricProblem() {
        Tensor exact = q.hypergradient(lambda);
        for (AidEstimator e : new AidEstimator[] {
            AidEstimator.fixedPoint(600, 600), AidEstimator.neumann(600, 600), AidEstimator.conjugateGradient(600, 60),
            AidEstimator.normalEquations(600, 200), AidEstimator.minres(600, 60), AidEstimator.gmres(600, 60),
            AidEstimator.auto(600, 60), AidEstimator.exact(600)}) {
            HypergradientEstimate h = e.estimate(problem, lambda);
            assertTrue(relativeError(h.hypergradient(), exact) < 1e-9, () -> e.name() + ": " + h);
        }
    }

    @Test
    void aNonContractiveMapIsReportedAndDivergenceIsNeverSilent() {
        // step 3/L: |1 - alpha L| = 2, the iteration diverges
        OptimizationBilevelProblem bad = q.problemWithStep(3.0 / q.smoothness);
        HypergradientEstimate e = AidEstimator.conjugateGradient(500, 10).estimate(bad, lambda);
        assertEquals(Status.DIVERGED, e.status(), e::toString);
        assertTrue(e.message().contains("diverged"), e::toString);
        assertTrue(e.hypergradient().isFinite(), "no NaN is returned");
        // a declared contraction constant >= 1 is named in the bound's note
        FixedPointOperator declared = FixedPointOperator.of(problem.innerMap(), l -> ContractionInfo.known(1.5), true);
        BilevelProblem p = BilevelProblem.fixedPoint(problem.outerObjective(), declared, problem.innerShape(),
                problem.outerShape());
        HypergradientEstimate n = AidEstimator.conjugateGradient(50, 10).estimate(p, lambda);
        assertTrue(n.bound().note().contains("not a contraction"), n.bound()::note);
    }

    @Test
    void anIndefiniteAdjointSystemIsABreakdownForCgAndSolvedByTheAutomaticChoice() {
        // Phi(w, l) = w - alpha (S w - l) with S symmetric indefinite: I - d1Phi^T = alpha S is indefinite
        Tensor s = TestMatrices.symmetricIndefinite(6, 10, new SplittableRandom(3));
        FixedPointOperator phi = FixedPointOperator.of(org.bilevel4j.api.map.BivariateMap.of(
                (w, l) -> w.sub(s.matmul(w).sub(l).mul(0.05))), l -> ContractionInfo.unknown(), true);
        ScalarObjective outer = ScalarObjective.of((w, l) -> w.square().sum().mul(0.5).add(w.sum()));
        BilevelProblem p = BilevelProblem.fixedPoint(outer, phi, Shape.of(6), Shape.of(6));
        Tensor l = TestMatrices.randomVector(6, new SplittableRandom(4));
        Tensor w0 = s.solve(l); // the fixed point, as the inner start: no inner iteration needed
        BilevelProblem started = new BilevelProblem() {
            @Override
            public ScalarObjective outerObjective() {
                return outer;
            }

            @Override
            public FixedPointOperator innerMap() {
                return phi;
            }

            @Override
            public Shape innerShape() {
                return p.innerShape();
            }

            @Override
            public Shape outerShape() {
                return p.outerShape();
            }

            @Override
            public Tensor initialInner(Tensor outerValue) {
                return w0;
            }
        };
        HypergradientEstimate cg = AidEstimator.conjugateGradient(0, 50).estimate(started, l);
        assertEquals(Status.BREAKDOWN, cg.status(), cg::toString);
        assertTrue(cg.message().contains("not positive definite"), cg::toString);
        HypergradientEstimate auto = AidEstimator.builder().innerSteps(0)
                .linearSolver(new org.bilevel4j.algorithms.linalg.AutoLinearSolver(), new IterationBudget(50, 1e-13, 0))
                .build().estimate(started, l);
        assertTrue(auto.message().contains("minres"), auto::toString);
        // exact: d f/d l = d2Phi^T v = 0.05 v with (0.05 S) v = w + 1
        Tensor v = s.mul(0.05).solve(w0.add(1.0));
        assertTrue(relativeError(auto.hypergradient(), v.mul(0.05)) < 1e-9, auto::toString);
    }

    @Test
    void badInputGetsClearErrors() {
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> AidEstimator.conjugateGradient(5, 5).estimate(problem, B.zeros(5)));
        assertTrue(e.getMessage().contains("outer") && e.getMessage().contains("[4]") && e.getMessage().contains("[5]"),
                e::getMessage);
        assertThrows(IllegalArgumentException.class, () -> AidEstimator.conjugateGradient(-1, 5));
        assertThrows(IllegalArgumentException.class, () -> AidEstimator.builder().damping(-1));
        // a zero budget is a status, not an exception
        HypergradientEstimate zero = AidEstimator.conjugateGradient(0, 0).estimate(problem, lambda);
        assertEquals(Status.BUDGET_EXHAUSTED, zero.status());
        assertEquals(0, zero.innerIterations());
    }
}
