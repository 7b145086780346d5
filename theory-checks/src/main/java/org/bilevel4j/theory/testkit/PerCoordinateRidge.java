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
 * TP2, ridge regression with one penalty per coordinate: g(w, &lambda;) = &frac12;&#8214;Xw - y&#8214;&sup2; + &frac12;&Sigma;_j &lambda;_j w_j&sup2;,
 * E(w, &lambda;) = &frac12;&#8214;X'w - y'&#8214;&sup2;, &lambda; &isin; [&lambda;_lo, &lambda;_hi]^p. The gradient step has the fixed
 * &alpha; = 2/(&mu;_box + L_box), valid on the whole box; q_&lambda; = &#8214;I - &alpha;H(&lambda;)&#8214; with H = X&#7488;X + diag(&lambda;).
 * Constants: &nu;&#8321; = 0, &nu;&#8322; = &alpha;, L_&Phi; = 2&alpha;D, &eta;&#8321; = &#8214;X'&#8214;&sup2;, &eta;&#8322; = 0, L_E = 2D&#8214;X'&#8214;&sup2; + &#8214;X'&#7488;y'&#8214;.
 * &part;&#8322;&Phi; = -&alpha; diag(w) depends on w, so ITD and AID-FP differ; ITD at t = 1 is exactly 0.
 */
public final class PerCoordinateRidge extends OptimizationTestProblem {
    private final int p;
    private final double low;
    private final double high;
    private final Tensor x;
    private final Tensor y;
    private final Tensor xv;
    private final Tensor yv;
    private final double[][] gram;
    private final double alpha;
    private final double normXv;
    private final double normXvTyv;

    /**
     * @param backend backend
     * @param samples rows of X and X'
     * @param p       features (= dimension of w and &lambda;)
     * @param low     &lambda;_lo &gt; 0
     * @param high    &lambda;_hi
     * @param seed    seed
     */
    public PerCoordinateRidge(Backend backend, int samples, int p, double low, double high, long seed) {
        super("ridge(n=" + samples + ",p=" + p + ",lambda in [" + low + "," + high + "])", backend);
        this.p = p;
        this.low = low;
        this.high = high;
        SplittableRandom rng = new SplittableRandom(seed);
        this.x = DenseMatrices.gaussian(backend, samples, p, rng);
        this.y = DenseMatrices.gaussian(backend, samples, rng);
        this.xv = DenseMatrices.gaussian(backend, samples, p, rng);
        this.yv = DenseMatrices.gaussian(backend, samples, rng);
        this.gram = DenseMatrices.gram(DenseMatrices.toArray(x));
        double[] e = DenseMatrices.symmetricEigenvalues(gram);
        this.alpha = 2 / (e[0] + low + e[e.length - 1] + high);
        this.normXv = DenseMatrices.spectralNorm(xv);
        this.normXvTyv = xv.matmul(yv, true, false).normValue();
        Tensor xx = x;
        Tensor yy = y;
        ScalarObjective inner = ScalarObjective.of((w, l) -> xx.matmul(w).sub(yy).square().sum().mul(0.5)
                .add(l.mul(w.square()).sum().mul(0.5)));
        Tensor xxv = xv;
        Tensor yyv = yv;
        ScalarObjective outer = ScalarObjective.of((w, l) -> xxv.matmul(w).sub(yyv).square().sum().mul(0.5));
        define(BilevelProblem.optimization(outer, inner, Shape.of(p), Shape.of(p), alpha, this::curvatureOf));
    }

    private CurvatureBounds curvatureOf(Tensor lambda) {
        double[] e = DenseMatrices.symmetricEigenvalues(hessian(lambda));
        return new CurvatureBounds(e[0], e[e.length - 1]);
    }

    private double[][] hessian(Tensor lambda) {
        double[] l = lambda.toDoubleArray();
        double[][] h = new double[p][];
        for (int i = 0; i < p; i++) {
            h[i] = gram[i].clone();
            h[i][i] += l[i];
        }
        return h;
    }

    /** @return the fixed step &alpha; */
    public double step() {
        return alpha;
    }

    @Override
    protected Tensor solveInner(Tensor lambda) {
        return matrix(backend, hessian(lambda)).solve(x.matmul(y, true, false));
    }

    @Override
    public Tensor exactInnerJacobian(Tensor lambda) {
        Tensor w = exactInner(lambda);
        // w' = -H^-1 diag(w)
        return matrix(backend, hessian(lambda)).solve(diag(w)).neg();
    }

    private Tensor diag(Tensor v) {
        return backend.identity(p).mul(v.reshape(1, p));
    }

    @Override
    public double contraction(Tensor lambda) {
        return innerMap().contraction(lambda).constant();
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor lambda) {
        double radius = radius(lambda);
        return Optional.of(new LipschitzConstants(normXv * normXv, 0, 0, alpha,
                2 * radius * normXv * normXv + normXvTyv, 2 * alpha * radius));
    }

    @Override
    public Tensor sampleOuter(SplittableRandom rng) {
        double[] l = new double[p];
        for (int i = 0; i < p; i++) {
            l[i] = rng.nextDouble(low, high);
        }
        return vector(backend, l);
    }
}
