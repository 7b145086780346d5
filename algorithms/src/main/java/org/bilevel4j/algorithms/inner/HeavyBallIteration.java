package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Polyak's heavy ball on the inner objective, w_{i+1} = w_i - a &nabla;_w g(w_i, &lambda;) + b (w_i - w_{i-1}), as the
 * fixed-point map (w, w_prev) &#8614; (w - a&nabla;g(w) + b(w - w_prev), w) on the augmented state (hypertorch's
 * {@code HeavyBall}), started from w_{-1} = w&#8320;. With the optimal constants of a quadratic with Hessian spectrum in
 * [&mu;, L], a = 4/(&radic;L + &radic;&mu;)&sup2; and b = ((&radic;L - &radic;&mu;)/(&radic;L + &radic;&mu;))&sup2;, the iteration converges as
 * ((&radic;&kappa; - 1)/(&radic;&kappa; + 1))^t, but it is not a contraction in the Euclidean norm (seed 004 &sect;1.6(b)): the
 * error can grow in the first steps, so no contraction constant is declared.
 */
public final class HeavyBallIteration implements InnerSolver {
    private final double a;
    private final double b;

    private HeavyBallIteration(double a, double b) {
        this.a = a;
        this.b = b;
    }

    /** @return heavy ball with the optimal constants from the problem's curvature bounds at each &lambda; */
    public static HeavyBallIteration optimal() {
        return new HeavyBallIteration(Double.NaN, Double.NaN);
    }

    /**
     * @param step     a &gt; 0
     * @param momentum b in [0, 1)
     * @return heavy ball with these constants
     */
    public static HeavyBallIteration withConstants(double step, double momentum) {
        MomentumState.requireConstants(step, momentum);
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
    public FixedPointOperator stepMap(BilevelProblem problem) {
        OptimizationBilevelProblem p = MomentumState.requireOptimization(problem, name());
        BivariateMap gradient = MomentumState.gradient(p);
        BivariateMap step = BivariateMap.of((s, l) -> {
            double[] c = Double.isNaN(a) ? optimalConstants(MomentumState.curvature(p, l, name())) : new double[] {a, b};
            Tensor w = MomentumState.current(p, s);
            Tensor prev = MomentumState.previous(p, s);
            Tensor next = w.sub(gradient.apply(w, l).mul(c[0])).add(w.sub(prev).mul(c[1]));
            return MomentumState.pack(next, w);
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
        return Double.isNaN(a) ? "heavy-ball(optimal)" : "heavy-ball(" + a + ", " + b + ")";
    }
}
