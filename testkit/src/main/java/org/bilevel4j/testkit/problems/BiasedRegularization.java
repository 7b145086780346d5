package org.bilevel4j.testkit.problems;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * Biased regularisation (the BR setting of Grazzi et al., ICML 2020): g(w, λ) = ½‖Xw - y‖² + (β/2)‖w - λ‖²,
 * E = ½‖X'w - y'‖². H = XᵀX + βI does not depend on λ; the gradient map uses the optimal step
 * α = 2/(μ + L), q = (κ - 1)/(κ + 1). Constants: ν₁ = ν₂ = 0, η₁ = ‖X'‖², η₂ = 0,
 * L_Φ = αβ, L_E = 2D‖X'‖² + ‖X'ᵀy'‖. Exact: w = H⁻¹(Xᵀy + βλ), w' = βH⁻¹. Used
 * with a heavy-ball inner solver to test Theorem 2.2 with a measured ρ(t).
 */
public final class BiasedRegularization extends OptimizationTestProblem {
    private final int p;
    private final double beta;
    private final Tensor x;
    private final Tensor y;
    private final Tensor xv;
    private final Tensor yv;
    private final Tensor hessian;
    private final CurvatureBounds bounds;
    private final double normXv;
    private final double normXvTyv;

    /**
     * @param backend backend
     * @param samples rows of X and X'
     * @param p       features
     * @param beta    β &gt; 0
     * @param seed    seed
     */
    public BiasedRegularization(Backend backend, int samples, int p, double beta, long seed) {
        super("biased-regularization(n=" + samples + ",p=" + p + ",beta=" + beta + ")", backend);
        this.p = p;
        this.beta = beta;
        SplittableRandom rng = new SplittableRandom(seed);
        this.x = DenseMatrices.gaussian(backend, samples, p, rng);
        Tensor wStar = DenseMatrices.gaussian(backend, p, rng).add(1.0);
        this.y = x.matmul(wStar).add(DenseMatrices.gaussian(backend, samples, rng).mul(0.1));
        this.xv = DenseMatrices.gaussian(backend, samples, p, rng);
        this.yv = xv.matmul(wStar).add(DenseMatrices.gaussian(backend, samples, rng).mul(0.1));
        double[][] gram = DenseMatrices.gram(DenseMatrices.toArray(x));
        for (int i = 0; i < p; i++) {
            gram[i][i] += beta;
        }
        double[] e = DenseMatrices.symmetricEigenvalues(gram);
        this.bounds = new CurvatureBounds(e[0], e[e.length - 1]);
        this.hessian = matrix(backend, gram);
        this.normXv = DenseMatrices.spectralNorm(xv);
        this.normXvTyv = xv.matmul(yv, true, false).normValue();
        Tensor xx = x;
        Tensor yy = y;
        ScalarObjective inner = ScalarObjective.of((w, l) -> halfSquaredResidual(xx, yy, w)
                .add(w.sub(l).square().sum().mul(beta / 2)));
        Tensor xxv = xv;
        Tensor yyv = yv;
        ScalarObjective outer = ScalarObjective.of((w, l) -> halfSquaredResidual(xxv, yyv, w));
        define(BilevelProblem.optimization(outer, inner, Shape.of(p), Shape.of(p), l -> bounds));
    }

    @Override
    protected Tensor solveInner(Tensor lambda) {
        return hessian.solve(x.matmul(y, true, false).add(lambda.mul(beta)));
    }

    @Override
    public Tensor exactInnerJacobian(Tensor lambda) {
        return hessian.solve(backend.identity(p).mul(beta));
    }

    @Override
    public double contraction(Tensor lambda) {
        return bounds.contraction(bounds.optimalStep());
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor lambda) {
        double radius = radius(lambda);
        return Optional.of(new LipschitzConstants(normXv * normXv, 0, 0, 0,
                2 * radius * normXv * normXv + normXvTyv, bounds.optimalStep() * beta));
    }

    @Override
    public Tensor sampleOuter(SplittableRandom rng) {
        return uniformOuter(rng, p, -5, 5);
    }
}
