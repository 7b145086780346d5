package org.bilevel4j.api.problem;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A bilevel problem in fixed-point form (problem (1) of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020):
 * <pre>
 *   min_λ f(λ) = E(w(λ), λ)   subject to   w(λ) = Φ(w(λ), λ)
 * </pre>
 * with the outer objective E and the fixed-point operator Φ. Its hypergradient is
 * ∇f(λ) = ∇₂E + ∂₂Φᵀ v where v solves (I - ∂₁Φᵀ) v = ∇₁E, all at (w(λ), λ)
 * (eqs. (9)-(10)). The optimization form is {@link OptimizationBilevelProblem}.
 *
 * <p>Estimators only use the derivatives exposed here (VJPs of Φ, gradients of E), never dense Jacobians.
 */
public interface BilevelProblem {

    /** @return E(w, λ) */
    ScalarObjective outerObjective();

    /** @return Φ(w, λ) */
    FixedPointOperator innerMap();

    /** @return the shape of w */
    Shape innerShape();

    /** @return the shape of λ */
    Shape outerShape();

    /**
     * @param outer λ
     * @return the starting point w₀ of the inner iteration (zeros, as in the papers' analyses)
     */
    default Tensor initialInner(Tensor outer) {
        return outer.backend().zeros(innerShape(), outer.dtype());
    }

    /**
     * Regularity constants for error bounds. Problems that know them (test problems with closed forms, such
     * as the affine contraction or per-coordinate ridge regression of the theory-checks module)
     * override this; estimators then report a certified bound on the hypergradient error.
     *
     * @param outer λ
     * @return the constants at λ, if known
     */
    default Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        return Optional.empty();
    }

    /**
     * @param inner w
     * @param outer λ
     * @throws ShapeMismatchException naming the argument whose shape does not match the problem
     */
    default void checkShapes(Tensor inner, Tensor outer) {
        if (!inner.shape().equals(innerShape())) {
            throw new ShapeMismatchException("inner: expected the problem's inner shape " + innerShape() + ", got "
                    + inner.shape());
        }
        if (!outer.shape().equals(outerShape())) {
            throw new ShapeMismatchException("outer: expected the problem's outer shape " + outerShape() + ", got "
                    + outer.shape());
        }
    }

    /**
     * @param outerObjective E(w, λ)
     * @param innerMap       Φ(w, λ)
     * @param innerShape     shape of w
     * @param outerShape     shape of λ
     * @return the problem in fixed-point form
     */
    static BilevelProblem fixedPoint(ScalarObjective outerObjective, FixedPointOperator innerMap, Shape innerShape,
            Shape outerShape) {
        return new FixedPointProblem(Objects.requireNonNull(outerObjective, "outerObjective"),
                Objects.requireNonNull(innerMap, "innerMap"), Objects.requireNonNull(innerShape, "innerShape"),
                Objects.requireNonNull(outerShape, "outerShape"));
    }

    /**
     * The optimization form with a known curvature: the inner map is gradient descent with the optimal step
     * 2/(μ(λ) + L(λ)), whose contraction constant is (κ - 1)/(κ + 1).
     *
     * @param outerObjective f(w, λ)
     * @param innerObjective g(w, λ), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of λ
     * @param curvature      μ and L of ∇²_ww g for each λ (remembered for the last λ, so it may be
     *                       expensive)
     * @return the problem
     */
    static OptimizationBilevelProblem optimization(ScalarObjective outerObjective, ScalarObjective innerObjective,
            Shape innerShape, Shape outerShape, Function<Tensor, CurvatureBounds> curvature) {
        Function<Tensor, CurvatureBounds> memo = new LastValueMemo<>(Objects.requireNonNull(curvature, "curvature"));
        return new OptimizationProblem(Objects.requireNonNull(outerObjective, "outerObjective"), innerObjective,
                GradientStepMap.optimal(innerObjective, memo), memo,
                Objects.requireNonNull(innerShape, "innerShape"), Objects.requireNonNull(outerShape, "outerShape"));
    }

    /**
     * The optimization form with a fixed inner step and no curvature information.
     *
     * @param outerObjective f(w, λ)
     * @param innerObjective g(w, λ), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of λ
     * @param step           the gradient step α &gt; 0 of the inner map (below 2/L for a contraction)
     * @return the problem
     */
    static OptimizationBilevelProblem optimization(ScalarObjective outerObjective, ScalarObjective innerObjective,
            Shape innerShape, Shape outerShape, double step) {
        return new OptimizationProblem(Objects.requireNonNull(outerObjective, "outerObjective"), innerObjective,
                GradientStepMap.withStep(innerObjective, step), null,
                Objects.requireNonNull(innerShape, "innerShape"), Objects.requireNonNull(outerShape, "outerShape"));
    }

    /**
     * The optimization form with a fixed inner step and known curvature: the inner map is gradient descent with step
     * α for every λ, and its contraction constant is max(|1 - αμ(λ)|, |1 - αL(λ)|).
     *
     * @param outerObjective f(w, λ)
     * @param innerObjective g(w, λ), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of λ
     * @param step           the gradient step α &gt; 0 of the inner map
     * @param curvature      μ and L of ∇²_ww g for each λ (remembered for the last λ)
     * @return the problem
     */
    static OptimizationBilevelProblem optimization(ScalarObjective outerObjective, ScalarObjective innerObjective,
            Shape innerShape, Shape outerShape, double step, Function<Tensor, CurvatureBounds> curvature) {
        Function<Tensor, CurvatureBounds> memo = new LastValueMemo<>(Objects.requireNonNull(curvature, "curvature"));
        return new OptimizationProblem(Objects.requireNonNull(outerObjective, "outerObjective"), innerObjective,
                GradientStepMap.withStep(innerObjective, step, memo), memo,
                Objects.requireNonNull(innerShape, "innerShape"), Objects.requireNonNull(outerShape, "outerShape"));
    }
}
