package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Nesterov's accelerated gradient on the inner objective, y = w_i + b (w_i - w_{i-1}),
 * w_{i+1} = y - a &nabla;_w g(y, &lambda;), as a fixed-point map on (w, w_prev). The constants for a &mu;-strongly convex,
 * L-smooth objective are a = 1/L and b = (&radic;&kappa; - 1)/(&radic;&kappa; + 1); like heavy ball it is a contraction only in
 * a problem-dependent norm (seed 004 &sect;1.6(b)), so no Euclidean contraction constant is declared.
 */
public final class NesterovIteration implements InnerSolver {
    private final double a;
    private final double b;

    private NesterovIteration(double a, double b) {
        this.a = a;
        this.b = b;
    }

    /** @return Nesterov with a = 1/L and b = (&radic;&kappa; - 1)/(&radic;&kappa; + 1) from the problem's curvature bounds */
    public static NesterovIteration optimal() {
        return new NesterovIteration(Double.NaN, Double.NaN);
    }

    /**
     * @param step     a &gt; 0
     * @param momentum b in [0, 1)
     * @return Nesterov with these constants
     */
    public static NesterovIteration withConstants(double step, double momentum) {
        MomentumState.requireConstants(step, momentum);
        return new NesterovIteration(step, momentum);
    }

    /**
     * @param bounds curvature bounds
     * @return {a, b} = {1/L, (&radic;&kappa; - 1)/(&radic;&kappa; + 1)}
     */
    public static double[] optimalConstants(CurvatureBounds bounds) {
        double sk = Math.sqrt(bounds.conditionNumber());
        return new double[] {1 / bounds.smoothness(), (sk - 1) / (sk + 1)};
    }

    @Override
    public FixedPointOperator stepMap(BilevelProblem problem) {
        OptimizationBilevelProblem p = MomentumState.requireOptimization(problem, name());
        BivariateMap gradient = MomentumState.gradient(p);
        BivariateMap step = BivariateMap.of((s, l) -> {
            double[] c = Double.isNaN(a) ? optimalConstants(MomentumState.curvature(p, l, name())) : new double[] {a, b};
            Tensor w = MomentumState.current(p, s);
            Tensor y = w.add(w.sub(MomentumState.previous(p, s)).mul(c[1]));
            return MomentumState.pack(y.sub(gradient.apply(y, l).mul(c[0])), w);
        });
        return FixedPointOperator.of(step, l -> ContractionInfo.unknown(), false);
    }

    @Override
    public Tensor initialState(BilevelProblem problem, Tensor inner0) {
        return MomentumState.pack(inner0, inner0);
    }

    @Override
    public Tensor inner(BilevelProblem problem, Tensor state) {
        return MomentumState.current(problem, state);
    }

    @Override
    public String name() {
        return Double.isNaN(a) ? "nesterov(optimal)" : "nesterov(" + a + ", " + b + ")";
    }
}
