package org.bilevel4j.algorithms.certification;

import static org.bilevel4j.algorithms.TestMatrices.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.algorithms.linalg.GmresSolver;
import org.bilevel4j.algorithms.linalg.LinearOperator;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.algorithms.linalg.MinresSolver;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Divergences the adversarial status suite of theory-checks found missed: each test failed before its fix and
 * checks the status of an iteration that cannot approximate a fixed point.
 */
class DivergenceDetectionRegressionTest {

    /** Φ(w, λ) = s·w + λ on R³, ∂₁Φ declared symmetric, nothing known of q. */
    private static BilevelProblem affine(double s) {
        return BilevelProblem.fixedPoint(ScalarObjective.of((w, l) -> w.square().sum().mul(0.5)),
                FixedPointOperator.of(BivariateMap.of((w, l) -> w.mul(s).add(l)), l -> ContractionInfo.unknown(),
                        true), Shape.of(3), Shape.of(3));
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.0, 2.0})
    void twoStepsThatDoNotShrinkAreADivergence(double s) {
        // defect: the end-of-run rule needed three steps; with a budget of two, Φ = w + λ (no fixed point) and
        // Φ = 2w + λ gave BUDGET_EXHAUSTED although ‖w₂ - w₁‖ ≥ ‖w₁ - w₀‖ rules out a contraction
        Tensor lambda = B.fromArray(new double[] {1, -2, 0.5}, Shape.of(3));
        for (HypergradientEstimator est : new HypergradientEstimator[] {AidEstimator.fixedPoint(2, 2),
            ItdEstimator.reverse(2), ItdEstimator.forward(2)}) {
            HypergradientEstimate e = est.estimate(affine(s), lambda);
            assertEquals(Status.DIVERGED, e.status(), e::toString);
            assertEquals(0, e.hypergradient().normValue(), 0.0);
        }
        // one step shows nothing yet, and a contraction over two steps stays an ordinary budget exhaustion
        assertEquals(Status.BUDGET_EXHAUSTED, ItdEstimator.reverse(1).estimate(affine(s), lambda).status());
        assertEquals(Status.BUDGET_EXHAUSTED, AidEstimator.fixedPoint(2, 2).estimate(affine(0.9), lambda).status());
    }

    @Test
    void aDivergingFloat32IterationIsNotConvergedWhenItsNormOverflows() {
        // defect: the growth rule's noise floor followed the iterate (64 ε ‖w_i‖), so in float32 a step norm
        // 0.5 ‖w_i‖ never counted as growth; the iterate grew until ‖w‖ overflowed, the threshold rtol ‖w‖ became
        // infinite, and AID reported CONVERGED ("step norm 1.5e19 <= Infinity") with a hypergradient of 1e19
        Tensor lambda = B.fromArray(new double[] {1, -2, 0.5}, Shape.of(3), DType.FLOAT32);
        BilevelProblem p = BilevelProblem.fixedPoint(ScalarObjective.of((w, l) -> w.square().sum().mul(0.5)),
                FixedPointOperator.of(BivariateMap.of((w, l) -> w.mul(1.5).add(l)), l -> ContractionInfo.unknown(),
                        true), Shape.of(3), Shape.of(3));
        AidEstimator aid = AidEstimator.builder()
                .inner(new InnerPhase(new PicardIteration(), IterationBudget.of(400, 1e-8), false))
                .linearSolver(new GmresSolver(), IterationBudget.of(200, 1e-8)).build();
        HypergradientEstimate e = aid.estimate(p, lambda);
        assertEquals(Status.DIVERGED, e.status(), e::toString);
        assertTrue(e.innerIterations() < 60, "caught by the growth rule, long before float32 overflows: " + e);
        assertTrue(e.inner().isFinite() && e.hypergradient().isFinite());
    }

    @Test
    void anEstimateWhoseAdjointSolveDivergedCarriesZeros() {
        // defect: with a healthy inner solve and a diverging adjoint solve (gradient descent with a step 5 on
        // (I - ∂₁Φᵀ) = 0.5 I multiplies the error by -1.5 per iteration), AID reported DIVERGED but returned
        // ∇₂E + ∂₂Φᵀv with the diverged v, against the contract that a failed estimate carries zeros
        Tensor lambda = B.fromArray(new double[] {1, -2, 0.5}, Shape.of(3));
        HypergradientEstimate e = AidEstimator.gradientDescent(50, 10, 5.0).estimate(affine(0.5), lambda);
        assertEquals(Status.DIVERGED, e.status(), e::toString);
        assertEquals(0, e.hypergradient().normValue(), 0.0, e::toString);
        assertTrue(!e.bound().isAvailable(), "zeros have no error bound: " + e);
    }

    @Test
    void minresOnASingularFloat32OperatorReturnsNoNaN() {
        // defect: on A = 0 in float32 the Lanczos step divided by γ = Double.MIN_NORMAL, which is 0 in float32, and
        // MINRES returned BREAKDOWN with a NaN solution (AID then carried a NaN adjoint in its diagnostics)
        Tensor b = B.fromArray(new double[] {1.5}, Shape.of(1), DType.FLOAT32);
        LinearSolveResult r = new MinresSolver().solve(LinearOperator.of(v -> v.mul(0.0), true), b, null,
                IterationBudget.of(20, 1e-8));
        assertEquals(Status.BREAKDOWN, r.status(), r::toString);
        assertTrue(r.solution().isFinite(), r::toString);
    }
}
