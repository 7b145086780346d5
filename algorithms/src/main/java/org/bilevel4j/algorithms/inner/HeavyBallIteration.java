package org.bilevel4j.algorithms.inner;

import java.util.function.UnaryOperator;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Polyak's heavy ball on the inner objective, w_{i+1} = w_i - a ∇_w g(w_i, λ) + b (w_i - w_{i-1}). With the
 * optimal constants of a quadratic with Hessian spectrum in [μ, L], a = 4/(√L + √μ)² and
 * b = ((√L - √μ)/(√L + √μ))², it converges as ((√κ - 1)/(√κ + 1))^t, but it is not a
 * contraction in the Euclidean norm (Section 2.1, case (b), of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020);
 * see {@link MomentumIteration}.
 */
public final class HeavyBallIteration extends MomentumIteration {

    private HeavyBallIteration() {
        super("heavy-ball");
    }

    private HeavyBallIteration(double a, double b) {
        super("heavy-ball", a, b);
    }

    /** @return heavy ball with the optimal constants from the problem's curvature bounds at each λ */
    public static HeavyBallIteration optimal() {
        return new HeavyBallIteration();
    }

    /**
     * @param step     a &gt; 0
     * @param momentum b in [0, 1)
     * @return heavy ball with these constants
     */
    public static HeavyBallIteration withConstants(double step, double momentum) {
        return new HeavyBallIteration(step, momentum);
    }

    /**
     * @param bounds curvature bounds
     * @return {a, b}, the optimal heavy-ball constants
     */
    public static double[] optimalConstants(CurvatureBounds bounds) {
        double sl = Math.sqrt(bounds.smoothness());
        double sm = Math.sqrt(bounds.strongConvexity());
        return new double[] {4 / ((sl + sm) * (sl + sm)), Math.pow((sl - sm) / (sl + sm), 2)};
    }

    @Override
    double[] constants(CurvatureBounds bounds) {
        return optimalConstants(bounds);
    }

    @Override
    Tensor next(Tensor w, Tensor previous, UnaryOperator<Tensor> gradient, double a, double b) {
        return w.sub(gradient.apply(w).mul(a)).add(w.sub(previous).mul(b));
    }
}
