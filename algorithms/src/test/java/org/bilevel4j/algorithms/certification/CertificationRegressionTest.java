package org.bilevel4j.algorithms.certification;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.bilevel4j.algorithms.TestMatrices.randomVector;
import static org.bilevel4j.testkit.linalg.DenseMatrices.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.QuadraticBilevel;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.ErrorBound;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.ConjugateGradientSolver;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.algorithms.linalg.MinresSolver;
import org.bilevel4j.algorithms.linalg.NormalEquationsSolver;
import org.bilevel4j.algorithms.outer.BilevelResult;
import org.bilevel4j.algorithms.outer.BilevelSolver;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Regression tests of the cases where a hypergradient was reported CONVERGED (or an ordinary BUDGET_EXHAUSTED)
 * while wrong. Each failed before its fix; each checks the status against the exact answer.
 */
class CertificationRegressionTest {
    /** q = (κ - 1)/(κ + 1) = 0.95 with κ = 39: the slow contraction of the original report. */
    private static final QuadraticBilevel Q = new QuadraticBilevel(15, 3, 1, 39, 0.1, 95);
    private static final Tensor LAMBDA = randomVector(3, new SplittableRandom(96));

    private static InnerPhase tolerant(boolean warm) {
        return new InnerPhase(new PicardIteration(), IterationBudget.of(5000, 1e-10), warm);
    }

    /** Q's problem with its Lipschitz constants, valid on ‖w‖ ≤ 2‖λ‖ smax(B)/μ + 1 (every iterate from w₀ = 0). */
    private static BilevelProblem withConstants(BilevelProblem p, ContractionInfo contraction) {
        double alpha = 2 / (Q.mu + Q.smoothness);
        FixedPointOperator map = FixedPointOperator.of(BivariateMap.of(p.innerMap()::apply), l -> contraction, true);
        return new BilevelProblem() {
            @Override
            public ScalarObjective outerObjective() {
                return p.outerObjective();
            }

            @Override
            public FixedPointOperator innerMap() {
                return map;
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
            public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
                double radius = 2 * outer.normValue() * Q.maxSingularValueOfB / Q.mu + 1;
                return Optional.of(new LipschitzConstants(1, 0, 0, 0, radius + Q.wTarget.normValue(),
                        alpha * Q.maxSingularValueOfB, radius));
            }
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"REVERSE", "TAPE", "CHECKPOINTED", "FORWARD"})
    void warmStartedItdIsNotCertifiedOnInnerConvergenceAlone(String mode) {
        // defect: warm-started from a converged estimate, ITD met the inner tolerance after one step and reported
        // CONVERGED with roughly ∇₂E + ∂₂Φᵀ∇₁E (relative error 0.91)
        ItdEstimator.Builder b = ItdEstimator.builder().inner(tolerant(true)).strict(true);
        ItdEstimator itd = (mode.equals("CHECKPOINTED") ? b.checkpointed(0) : b.mode(ItdEstimator.Mode.valueOf(mode)))
                .build();
        Tensor exact = Q.hypergradient(LAMBDA);
        HypergradientEstimate cold = itd.estimate(Q.problem(), LAMBDA);
        assertEquals(Status.CONVERGED, cold.status(), cold::toString);
        assertTrue(relativeError(cold.hypergradient(), exact) < 1e-8, cold::toString);
        HypergradientEstimate warm = itd.estimate(Q.problem(), LAMBDA, cold);
        assertEquals(Status.CONVERGED, warm.status(), warm::toString);
        assertTrue(relativeError(warm.hypergradient(), exact) < 1e-8, warm::toString);
        assertTrue(warm.innerIterations() > 100, "the derivative needs as many steps as from a cold start: " + warm);
    }

    @Test
    void truncatedBackPropagationFromAWarmStartIsNotCertified() {
        ItdEstimator itd = ItdEstimator.builder().inner(tolerant(true)).truncated(1).build();
        HypergradientEstimate cold = AidEstimator.exact(5000).estimate(Q.problem(), LAMBDA);
        HypergradientEstimate warm = itd.estimate(Q.problem(), LAMBDA, cold);
        double error = relativeError(warm.hypergradient(), Q.hypergradient(LAMBDA));
        assertTrue(error > 0.1, "one step back from the fixed point is far from the hypergradient: " + error);
        assertNotEquals(Status.CONVERGED, warm.status(), warm::toString);
        ItdDiagnostics d = warm.diagnostics(ItdDiagnostics.class);
        assertEquals(1, d.stepsDifferentiated());
        assertTrue(d.remainder() > 1e-3 * d.remainderScale(), warm::toString);
    }

    @Test
    void smallButUncertifiedEstimatesDoNotStopTheOuterLoop() {
        // defect: AID-FP with k = 0 on a problem whose outer objective ignores λ returns exactly 0, and the outer
        // loop reported CONVERGED at iteration 1 while ‖∇f‖ is far from 0
        ScalarObjective e = ScalarObjective.of((w, l) -> w.sub(Q.wTarget).square().sum().mul(0.5));
        OptimizationBilevelProblem p = BilevelProblem.optimization(e, Q.innerObjective, Q.problem().innerShape(),
                Q.problem().outerShape(), l -> new org.bilevel4j.api.map.CurvatureBounds(Q.mu, Q.smoothness));
        Tensor trueGradient = Q.hypergradient(LAMBDA).sub(LAMBDA.mul(Q.theta));
        assertTrue(trueGradient.normValue() > 0.1, "the test needs a problem far from stationarity");
        BilevelResult r = BilevelSolver.builder(AidEstimator.fixedPoint(50, 0), OuterOptimizer.gradientDescent(1e-3))
                .maxIterations(3).gradientTolerance(1e-6).build().solve(p, LAMBDA);
        assertEquals(0, r.history().get(0).hypergradientNorm(), 0.0, "AID-FP with k = 0 returns ∇₂E = 0");
        assertEquals(Status.BUDGET_EXHAUSTED, r.status(), r.message());
        assertEquals(3, r.iterations());
        assertTrue(r.message().contains("not certified"), r.message());
    }

    @Test
    void certifiedStationarityStopsTheOuterLoop() {
        BilevelProblem p = withConstants(Q.problem(), ContractionInfo.known(Q.optimalContraction()));
        AidEstimator aid = AidEstimator.builder().inner(tolerant(true))
                .linearSolver(new ConjugateGradientSolver(), IterationBudget.of(200, 1e-12)).warmStart(true, true)
                .build();
        double tolerance = 1e-6;
        BilevelResult r = BilevelSolver.builder(aid, OuterOptimizer.gradientDescent(1 / Q.outerSmoothness()))
                .maxIterations(2000).gradientTolerance(tolerance).build().solve(p, LAMBDA);
        assertEquals(Status.CONVERGED, r.status(), r.message());
        assertTrue(r.lastEstimate().isCertified());
        // the claim is about ∇f itself, at the λ the last estimate was computed at
        Tensor lastLambda = r.outer().sub(r.lastEstimate().hypergradient().mul(-1 / Q.outerSmoothness()));
        assertTrue(Q.hypergradient(lastLambda).normValue() <= tolerance, r.message());
    }

    private static Tensor spd(int n, double kappa, DType dtype, SplittableRandom rng) {
        return TestMatrices.symmetricWithSpectrum(DenseMatrices.geometric(n, 1, kappa), rng).to(dtype);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1e2, 1e3, 1e4})
    void conjugateGradientsInFloat32AreConfirmedOnTheTrueResidual(double kappa) {
        // defect: in float32 the recurrence residual drifts; CG reported CONVERGED at tolerance 1e-6 with true
        // relative residuals 2.2e-6, 2.4e-5 and 2.5e-4 for κ = 1e2, 1e3, 1e4
        SplittableRandom rng = new SplittableRandom(300 + (long) Math.log10(kappa));
        int n = 60;
        Tensor a = spd(n, kappa, DType.FLOAT32, rng);
        Tensor b = randomVector(n, rng).to(DType.FLOAT32);
        for (boolean normal : new boolean[] {false, true}) {
            LinearSolveResult r = (normal ? new NormalEquationsSolver() : new ConjugateGradientSolver())
                    .solve(LinearOperator.of(v -> a.matmul(v), true), b, null, IterationBudget.of(2000, 1e-6));
            {
                // true residual in float64 of the float32 solution
                Tensor a64 = a.to(DType.FLOAT64);
                Tensor b64 = b.to(DType.FLOAT64);
                double trueRelative = b64.sub(a64.matmul(r.solution().to(DType.FLOAT64))).normValue()
                        / b64.normValue();
                if (r.status() == Status.CONVERGED) {
                    assertTrue(trueRelative <= 1e-6 * 1.5, (normal ? "cg-normal" : "cg") + " kappa " + kappa
                            + ": CONVERGED with true relative residual " + trueRelative + " " + r);
                } else {
                    assertEquals(Status.BUDGET_EXHAUSTED, r.status(), r::toString);
                }
            }
        }
    }

    @Test
    void minresRefusesOperatorsNotDeclaredSymmetric() {
        // defect: MINRES ran on a non-symmetric operator and ended with BUDGET_EXHAUSTED and a 1e-3 error
        SplittableRandom rng = new SplittableRandom(41);
        Tensor a = spd(10, 10, DType.FLOAT64, rng).add(TestMatrices.randomMatrix(10, 10, 0.3, rng));
        LinearSolveResult r = new MinresSolver().solve(LinearOperator.of(v -> a.matmul(v), v -> a.matmul(v, true,
                false)), randomVector(10, rng), null, IterationBudget.of(100, 1e-10));
        assertEquals(Status.BREAKDOWN, r.status(), r::toString);
        assertEquals(0, r.iterations());
        assertEquals(0, r.operatorApplications());
        assertTrue(r.message().contains("symmetric") && r.message().contains("GMRES"), r.message());
    }

    @Test
    void boundsOnAnEstimatedContractionAreEstimatesNotCertificates() {
        double q = Q.optimalContraction();
        AidEstimator aid = AidEstimator.builder().inner(tolerant(false))
                .linearSolver(new ConjugateGradientSolver(), IterationBudget.of(200, 1e-12)).build();
        HypergradientEstimate proven = aid.estimate(withConstants(Q.problem(), ContractionInfo.known(q)), LAMBDA);
        assertEquals(ErrorBound.Kind.CERTIFIED, proven.bound().kind(), proven::toString);
        assertTrue(proven.isCertified());
        assertTrue(relativeError(proven.hypergradient(), Q.hypergradient(LAMBDA)) * Q.hypergradient(LAMBDA)
                .normValue() <= proven.bound().hypergradientError());
        HypergradientEstimate measured = aid.estimate(withConstants(Q.problem(), ContractionInfo.estimated(q)),
                LAMBDA);
        assertEquals(ErrorBound.Kind.ESTIMATE, measured.bound().kind(), measured::toString);
        assertTrue(measured.bound().note().contains("not proven"), measured.bound().note());
        assertTrue(!measured.isCertified() && measured.status() == Status.CONVERGED);
    }

    @Test
    void aWarmStartOutsideTheRegionOfTheConstantsGivesAnEstimate() {
        BilevelProblem p = withConstants(Q.problem(), ContractionInfo.known(Q.optimalContraction()));
        ItdEstimator itd = ItdEstimator.builder().inner(tolerant(true)).build();
        HypergradientEstimate far = HypergradientEstimate.builder("far", LAMBDA, B.full(Shape.of(Q.n), DType.FLOAT64, 1e3)).build();
        HypergradientEstimate e = itd.estimate(p, LAMBDA, far);
        assertEquals(ErrorBound.Kind.ESTIMATE, e.bound().kind(), e::toString);
        assertTrue(e.bound().note().contains("left the ball"), e.bound().note());
        HypergradientEstimate near = itd.estimate(p, LAMBDA);
        assertEquals(ErrorBound.Kind.CERTIFIED, near.bound().kind(), near::toString);
    }

    /** Φ(w, λ) = s·w + λ on R³ with λ ∈ R³: a contraction for |s| &lt; 1, not for s = 2, no fixed point for s = 1. */
    private static BilevelProblem affine(double s) {
        return BilevelProblem.fixedPoint(ScalarObjective.of((w, l) -> w.square().sum().mul(0.5)),
                FixedPointOperator.of(BivariateMap.of((w, l) -> w.mul(s).add(l)), l -> ContractionInfo.unknown(),
                        true), Shape.of(3), Shape.of(3));
    }

    @ParameterizedTest
    @ValueSource(doubles = {2.0, 1.0})
    void aBlowUpOrAMapWithoutAFixedPointIsDivergedNotBudgetExhausted(double s) {
        // defect: Φ = 2w + λ with AID-FP t = k = 10 gave BUDGET_EXHAUSTED and a hypergradient 5e5 times too large;
        // Φ = w + λ (no fixed point) gave BUDGET_EXHAUSTED with an arbitrary value
        BilevelProblem p = affine(s);
        Tensor lambda = B.fromArray(new double[] {1, -2, 0.5}, Shape.of(3));
        for (HypergradientEstimator est : new HypergradientEstimator[] {AidEstimator.fixedPoint(10, 10),
            AidEstimator.conjugateGradient(10, 10), ItdEstimator.reverse(10), ItdEstimator.forward(10)}) {
            HypergradientEstimate e = est.estimate(p, lambda);
            assertEquals(Status.DIVERGED, e.status(), e::toString);
            assertEquals(0, e.hypergradient().normValue(), 0.0, "a diverged estimate carries zeros");
            assertTrue(e.message().contains("contraction") || e.message().contains("grew"), e.message());
        }
        // the outer loop never steps along a diverged estimate
        BilevelResult r = BilevelSolver.builder(AidEstimator.fixedPoint(10, 10), OuterOptimizer.gradientDescent(0.1))
                .maxIterations(5).build().solve(p, lambda);
        assertEquals(Status.DIVERGED, r.status(), r.message());
        assertEquals(0, r.iterations());
        assertEquals(0, relativeError(r.outer(), lambda), 0.0);
    }

    @Test
    void aHealthyContractionWithAFixedBudgetStaysBudgetExhausted() {
        Tensor lambda = B.fromArray(new double[] {1, -2, 0.5}, Shape.of(3));
        HypergradientEstimate e = AidEstimator.fixedPoint(10, 10).estimate(affine(0.9), lambda);
        assertEquals(Status.BUDGET_EXHAUSTED, e.status(), e::toString);
    }
}
