package org.bilevel4j.algorithms.inner;

import java.util.function.UnaryOperator;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Nesterov's accelerated gradient on the inner objective, y = w_i + b (w_i - w_{i-1}),
 * w_{i+1} = y - a ∇_w g(y, λ). The constants for a μ-strongly convex, L-smooth objective are a = 1/L and
 * b = (√κ - 1)/(√κ + 1); like heavy ball it contracts only in a problem-dependent norm
 * (Section 2.1, case (b), of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020);
 * see {@link MomentumIteration}.
 */
public final class NesterovIteration extends MomentumIteration {

    private NesterovIteration() {
        super("nesterov");
    }

    private NesterovIteration(double a, double b) {
        super("nesterov", a, b);
    }

    /** @return Nesterov with a = 1/L and b = (√κ - 1)/(√κ + 1) from the problem's curvature bounds */
    public static NesterovIteration optimal() {
        return new NesterovIteration();
    }

    /**
     * @param step     a &gt; 0
     * @param momentum b in [0, 1)
     * @return Nesterov with these constants
     */
    public static NesterovIteration withConstants(double step, double momentum) {
        return new NesterovIteration(step, momentum);
    }

    /**
     * @param bounds curvature bounds
     * @return {a, b} = {1/L, (√κ - 1)/(√κ + 1)}
     */
    public static double[] optimalConstants(CurvatureBounds bounds) {
        double sk = Math.sqrt(bounds.conditionNumber());
        return new double[] {1 / bounds.smoothness(), (sk - 1) / (sk + 1)};
    }

    @Override
    double[] constants(CurvatureBounds bounds) {
        return optimalConstants(bounds);
    }

    @Override
    Tensor next(Tensor w, Tensor previous, UnaryOperator<Tensor> gradient, double a, double b) {
        Tensor y = w.add(w.sub(previous).mul(b));
        return y.sub(gradient.apply(y).mul(a));
    }
}
