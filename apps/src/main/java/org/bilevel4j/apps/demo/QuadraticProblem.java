package org.bilevel4j.apps.demo;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The built-in quadratic bilevel problem of the quick start, with a closed-form hypergradient:
 * <pre>
 *   inner  g(w, &lambda;) = &frac12; w&#7488;Hw - w&#7488;(B&lambda; + c),   H = Q diag(h) Q&#7488;, h in [&mu;, L]
 *   outer  E(w, &lambda;) = &frac12;&#8214;w - w*&#8214;&sup2; + (&theta;/2)&#8214;&lambda;&#8214;&sup2;
 *   w(&lambda;) = H&#8315;&sup1;(B&lambda; + c),   &nabla;f(&lambda;) = &theta;&lambda; + B&#7488;H&#8315;&sup1;(w(&lambda;) - w*)
 * </pre>
 * Its regularity constants are known (&nu;&#8321; = &nu;&#8322; = 0, &eta;&#8321; = 1, &eta;&#8322; = 0, L_&Phi; = &alpha;&#8214;B&#8214;, L_E = 2D + &#8214;w*&#8214;), so
 * estimates on it carry a certified error bound.
 */
public final class QuadraticProblem implements OptimizationBilevelProblem {
    private static final double THETA = 0.1;

    private final Tensor h;
    private final Tensor b;
    private final Tensor c;
    private final Tensor target;
    private final OptimizationBilevelProblem problem;
    private final double normB;

    /**
     * @param backend backend
     * @param d       inner dimension
     * @param n       outer dimension
     * @param mu      smallest eigenvalue of H
     * @param lMax    largest eigenvalue of H
     * @param seed    seed
     */
    public QuadraticProblem(Backend backend, int d, int n, double mu, double lMax, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor q = orthogonal(backend, d, rng);
        double[] eig = new double[d];
        for (int i = 0; i < d; i++) {
            eig[i] = d == 1 ? mu : mu + (lMax - mu) * i / (d - 1);
        }
        this.h = q.mul(backend.vector(eig).reshape(1, d)).matmul(q, false, true);
        this.b = backend.randomNormal(Shape.of(d, n), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
        this.c = backend.randomNormal(Shape.of(d), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
        this.target = backend.randomNormal(Shape.of(d), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
        Tensor hh = h;
        Tensor bb = b;
        Tensor cc = c;
        Tensor tt = target;
        ScalarObjective inner = ScalarObjective.of((w, l) -> w.dot(hh.matmul(w)).mul(0.5).sub(w.dot(bb.matmul(l).add(cc))));
        ScalarObjective outer = ScalarObjective.of((w, l) -> w.sub(tt).square().sum().mul(0.5)
                .add(l.square().sum().mul(THETA / 2)));
        CurvatureBounds bounds = new CurvatureBounds(mu, lMax);
        this.problem = BilevelProblem.optimization(outer, inner, Shape.of(d), Shape.of(n), l -> bounds);
        this.normB = Math.sqrt(largestEigenvalue(b.matmul(b, true, false)));
    }

    private static double largestEigenvalue(Tensor symmetric) {
        Tensor v = symmetric.backend().ones(symmetric.dim(0));
        double value = 0;
        for (int i = 0; i < 10_000; i++) {
            Tensor next = symmetric.matmul(v);
            double norm = next.normValue();
            v = next.div(norm);
            if (Math.abs(norm - value) <= 1e-14 * norm) {
                break;
            }
            value = norm;
        }
        return value;
    }

    private static Tensor orthogonal(Backend backend, int d, SplittableRandom rng) {
        // Q from the Gram-Schmidt process on a Gaussian matrix, computed column by column with tensor operations
        Tensor g = backend.randomNormal(Shape.of(d, d), org.bilevel4j.api.tensor.DType.FLOAT64, rng);
        Tensor[] cols = new Tensor[d];
        for (int j = 0; j < d; j++) {
            Tensor v = g.sliceColumns(j, j + 1).flatten();
            for (int k = 0; k < j; k++) {
                v = v.sub(cols[k].mul(v.dotValue(cols[k])));
            }
            cols[j] = v.div(v.normValue());
        }
        Tensor[] rows = new Tensor[d];
        for (int j = 0; j < d; j++) {
            rows[j] = cols[j].reshape(1, d);
        }
        return Tensor.concat(0, rows).transpose();
    }

    /**
     * @param lambda &lambda;
     * @return w(&lambda;) = H&#8315;&sup1;(B&lambda; + c)
     */
    public Tensor exactInner(Tensor lambda) {
        return h.solve(b.matmul(lambda).add(c));
    }

    @Override
    public ScalarObjective outerObjective() {
        return problem.outerObjective();
    }

    @Override
    public ScalarObjective innerObjective() {
        return problem.innerObjective();
    }

    @Override
    public GradientStepMap innerMap() {
        return problem.innerMap();
    }

    @Override
    public Optional<CurvatureBounds> curvature(Tensor outer) {
        return problem.curvature(outer);
    }

    @Override
    public Shape innerShape() {
        return problem.innerShape();
    }

    @Override
    public Shape outerShape() {
        return problem.outerShape();
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        double radius = exactInner(outer).normValue();
        double alpha = innerMap().step(outer);
        return Optional.of(new LipschitzConstants(1, 0, 0, 0, 2 * radius + target.normValue(), alpha * normB));
    }

    /**
     * @param lambda &lambda;
     * @return &theta;&lambda; + B&#7488;H&#8315;&sup1;(w(&lambda;) - w*), by dense solves
     */
    public Tensor closedFormHypergradient(Tensor lambda) {
        Tensor w = exactInner(lambda);
        return lambda.mul(THETA).add(b.matmul(h.solve(w.sub(target)), true, false));
    }
}
