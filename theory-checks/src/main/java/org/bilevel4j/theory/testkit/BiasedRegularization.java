package org.bilevel4j.theory.testkit;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * TP4, biased regularisation (seed 004's BR setting): g(w, &lambda;) = &frac12;&#8214;Xw - y&#8214;&sup2; + (&beta;/2)&#8214;w - &lambda;&#8214;&sup2;,
 * E = &frac12;&#8214;X'w - y'&#8214;&sup2;. H = X&#7488;X + &beta;I does not depend on &lambda;; the gradient map uses the optimal step
 * &alpha; = 2/(&mu; + L), q = (&kappa; - 1)/(&kappa; + 1). Constants: &nu;&#8321; = &nu;&#8322; = 0, &eta;&#8321; = &#8214;X'&#8214;&sup2;, &eta;&#8322; = 0,
 * L_&Phi; = &alpha;&beta;, L_E = 2D&#8214;X'&#8214;&sup2; + &#8214;X'&#7488;y'&#8214;. Exact: w = H&#8315;&sup1;(X&#7488;y + &beta;&lambda;), w' = &beta;H&#8315;&sup1;. Used
 * with a heavy-ball inner solver to test Theorem 2.2 with a measured &rho;(t).
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
     * @param beta    &beta; &gt; 0
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
        ScalarObjective inner = ScalarObjective.of((w, l) -> xx.matmul(w).sub(yy).square().sum().mul(0.5)
                .add(w.sub(l).square().sum().mul(beta / 2)));
        Tensor xxv = xv;
        Tensor yyv = yv;
        ScalarObjective outer = ScalarObjective.of((w, l) -> xxv.matmul(w).sub(yyv).square().sum().mul(0.5));
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
        double[] l = new double[p];
        for (int i = 0; i < p; i++) {
            l[i] = rng.nextDouble(-5, 5);
        }
        return vector(backend, l);
    }
}
