package org.bilevel4j.api.problem;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.bilevel4j.api.error.ShapeMismatchException;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A bilevel problem in fixed-point form (seed 004, problem (1)):
 * <pre>
 *   min_&lambda; f(&lambda;) = E(w(&lambda;), &lambda;)   subject to   w(&lambda;) = &Phi;(w(&lambda;), &lambda;)
 * </pre>
 * with the outer objective E and the fixed-point operator &Phi;. Its hypergradient is
 * &nabla;f(&lambda;) = &nabla;&#8322;E + &part;&#8322;&Phi;&#7488; v where v solves (I - &part;&#8321;&Phi;&#7488;) v = &nabla;&#8321;E, all at (w(&lambda;), &lambda;)
 * (eqs. (9)-(10)). The optimization form is {@link OptimizationBilevelProblem}.
 *
 * <p>Estimators only use the derivatives exposed here (VJPs of &Phi;, gradients of E), never dense Jacobians.
 */
public interface BilevelProblem {

    /** @return E(w, &lambda;) */
    ScalarObjective outerObjective();

    /** @return &Phi;(w, &lambda;) */
    FixedPointOperator innerMap();

    /** @return the shape of w */
    Shape innerShape();

    /** @return the shape of &lambda; */
    Shape outerShape();

    /**
     * @param outer &lambda;
     * @return the starting point w&#8320; of the inner iteration (zeros, as in the papers' analyses)
     */
    default Tensor initialInner(Tensor outer) {
        return outer.backend().zeros(innerShape(), outer.dtype());
    }

    /**
     * Regularity constants for error bounds. Problems that know them (the test problems of seed 004 with closed
     * forms) override this; estimators then report a certified bound on the hypergradient error.
     *
     * @param outer &lambda;
     * @return the constants at &lambda;, if known
     */
    default Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        return Optional.empty();
    }

    /**
     * @param inner w
     * @param outer &lambda;
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
     * @param outerObjective E(w, &lambda;)
     * @param innerMap       &Phi;(w, &lambda;)
     * @param innerShape     shape of w
     * @param outerShape     shape of &lambda;
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
     * 2/(&mu;(&lambda;) + L(&lambda;)), whose contraction constant is (&kappa; - 1)/(&kappa; + 1).
     *
     * @param outerObjective f(w, &lambda;)
     * @param innerObjective g(w, &lambda;), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of &lambda;
     * @param curvature      &mu; and L of &nabla;&sup2;_ww g for each &lambda; (remembered for the last &lambda;, so it may be
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
     * @param outerObjective f(w, &lambda;)
     * @param innerObjective g(w, &lambda;), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of &lambda;
     * @param step           the gradient step &alpha; &gt; 0 of the inner map (below 2/L for a contraction)
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
     * &alpha; for every &lambda;, and its contraction constant is max(|1 - &alpha;&mu;(&lambda;)|, |1 - &alpha;L(&lambda;)|).
     *
     * @param outerObjective f(w, &lambda;)
     * @param innerObjective g(w, &lambda;), strongly convex in w
     * @param innerShape     shape of w
     * @param outerShape     shape of &lambda;
     * @param step           the gradient step &alpha; &gt; 0 of the inner map
     * @param curvature      &mu; and L of &nabla;&sup2;_ww g for each &lambda; (remembered for the last &lambda;)
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
