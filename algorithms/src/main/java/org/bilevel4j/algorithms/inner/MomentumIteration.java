package org.bilevel4j.algorithms.inner;

import java.util.function.UnaryOperator;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A two-step momentum method on the inner objective g(·, λ), written as a fixed-point map on the augmented
 * state s = (w, w_prev), stored as one flat vector and started from w_{-1} = w₀ (hypertorch's {@code HeavyBall}
 * construction). One step is (w, w_prev) ↦ (next(w, w_prev), w) with constants a (step) and b (momentum), either
 * fixed or chosen at each λ from the problem's curvature bounds. These methods contract only in a
 * problem-dependent norm (Section 2.1, case (b), of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020):
 * the error can grow in the first steps, so no Euclidean contraction
 * constant is declared and the a-posteriori bounds are not available with them.
 */
public abstract sealed class MomentumIteration implements InnerSolver permits HeavyBallIteration, NesterovIteration {
    private final String method;
    private final boolean optimal;
    private final double a;
    private final double b;

    /** The method with its optimal constants, from the problem's curvature bounds at each λ. */
    MomentumIteration(String method) {
        this.method = method;
        this.optimal = true;
        this.a = Double.NaN;
        this.b = Double.NaN;
    }

    /** The method with fixed constants: step a &gt; 0, momentum b in [0, 1). */
    MomentumIteration(String method, double a, double b) {
        if (!(a > 0) || !Double.isFinite(a)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + a);
        }
        if (!(b >= 0 && b < 1)) {
            throw new IllegalArgumentException("momentum: expected a value in [0, 1), got " + b);
        }
        this.method = method;
        this.optimal = false;
        this.a = a;
        this.b = b;
    }

    /**
     * @param bounds curvature bounds of the inner objective at λ
     * @return {a, b}, the method's optimal constants
     */
    abstract double[] constants(CurvatureBounds bounds);

    /**
     * @param w        w_i
     * @param previous w_{i-1}
     * @param gradient w ↦ ∇_w g(w, λ)
     * @param a        step
     * @param b        momentum
     * @return w_{i+1}
     */
    abstract Tensor next(Tensor w, Tensor previous, UnaryOperator<Tensor> gradient, double a, double b);

    @Override
    public final FixedPointOperator stepMap(BilevelProblem problem) {
        OptimizationBilevelProblem p = OptimizationForm.require(problem, name());
        BivariateMap gradient = p.innerObjective().innerGradientMap();
        BivariateMap step = BivariateMap.of((s, l) -> {
            double[] c = optimal ? constants(OptimizationForm.curvature(p, l, name())) : new double[] {a, b};
            Tensor w = inner(p, s);
            Tensor previous = part(p, s, 1);
            return pack(next(w, previous, v -> gradient.apply(v, l), c[0], c[1]), w);
        });
        return FixedPointOperator.of(step, l -> ContractionInfo.unknown(), false);
    }

    @Override
    public final Tensor initialState(BilevelProblem problem, Tensor inner0) {
        return pack(inner0, inner0);
    }

    @Override
    public final Tensor inner(BilevelProblem problem, Tensor state) {
        return part(problem, state, 0);
    }

    @Override
    public final String name() {
        return optimal ? method + "(optimal)" : method + "(" + a + ", " + b + ")";
    }

    private static Tensor pack(Tensor w, Tensor previous) {
        return Tensor.concat(0, w.flatten(), previous.flatten());
    }

    private static Tensor part(BilevelProblem p, Tensor state, int index) {
        int m = p.innerShape().size();
        return state.slice(0, index * m, (index + 1) * m).reshape(p.innerShape());
    }
}
