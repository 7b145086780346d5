package org.bilevel4j.apps.demo;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.ForwardingOptimizationProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.models.Spectra;

/**
 * The built-in quadratic bilevel problem of the {@code hypergradient} command, with a closed-form hypergradient:
 * <pre>
 *   inner  g(w, λ) = ½ wᵀHw - wᵀ(Bλ + c),   H = Q diag(h) Qᵀ, h in [μ, L]
 *   outer  E(w, λ) = ½‖w - w*‖² + (θ/2)‖λ‖²
 *   w(λ) = H⁻¹(Bλ + c),   ∇f(λ) = θλ + BᵀH⁻¹(w(λ) - w*)
 * </pre>
 * Its regularity constants are known (ν₁ = ν₂ = 0, η₁ = 1, η₂ = 0, L_Φ = α‖B‖, L_E = 2D + ‖w*‖), so
 * estimates on it carry a certified error bound.
 */
public final class QuadraticProblem extends ForwardingOptimizationProblem {
    private static final double THETA = 0.1;

    private final Data data;

    /** The problem's matrices. */
    private record Data(Tensor h, Tensor b, Tensor c, Tensor target, double normB) {
    }

    /**
     * @param backend backend
     * @param d       inner dimension
     * @param n       outer dimension
     * @param mu      smallest eigenvalue of H
     * @param lMax    largest eigenvalue of H
     * @param seed    seed
     */
    public QuadraticProblem(Backend backend, int d, int n, double mu, double lMax, long seed) {
        this(generate(backend, d, n, mu, lMax, seed), new CurvatureBounds(mu, lMax));
    }

    private QuadraticProblem(Data data, CurvatureBounds bounds) {
        super(BilevelProblem.optimization(
                ScalarObjective.of((w, l) -> w.sub(data.target()).square().sum().mul(0.5)
                        .add(l.square().sum().mul(THETA / 2))),
                ScalarObjective.of((w, l) -> w.dot(data.h().matmul(w)).mul(0.5)
                        .sub(w.dot(data.b().matmul(l).add(data.c())))),
                Shape.of(data.b().dim(0)), Shape.of(data.b().dim(1)), l -> bounds));
        this.data = data;
    }

    private static Data generate(Backend backend, int d, int n, double mu, double lMax, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor q = orthogonal(backend, d, rng);
        double[] eig = new double[d];
        for (int i = 0; i < d; i++) {
            eig[i] = d == 1 ? mu : mu + (lMax - mu) * i / (d - 1);
        }
        Tensor h = q.mul(backend.vector(eig).reshape(1, d)).matmul(q, false, true);
        Tensor b = backend.randomNormal(Shape.of(d, n), DType.FLOAT64, rng);
        Tensor c = backend.randomNormal(Shape.of(d), DType.FLOAT64, rng);
        Tensor target = backend.randomNormal(Shape.of(d), DType.FLOAT64, rng);
        return new Data(h, b, c, target, Math.sqrt(Spectra.largestEigenvalue(b.matmul(b, true, false))));
    }

    /** Q from the Gram–Schmidt process on a Gaussian matrix. */
    private static Tensor orthogonal(Backend backend, int d, SplittableRandom rng) {
        Tensor g = backend.randomNormal(Shape.of(d, d), DType.FLOAT64, rng);
        Tensor[] rows = new Tensor[d];
        Tensor[] cols = new Tensor[d];
        for (int j = 0; j < d; j++) {
            Tensor v = g.sliceColumns(j, j + 1).flatten();
            for (int k = 0; k < j; k++) {
                v = v.sub(cols[k].mul(v.dotValue(cols[k])));
            }
            cols[j] = v.div(v.normValue());
            rows[j] = cols[j].reshape(1, d);
        }
        return Tensor.concat(0, rows).transpose();
    }

    /**
     * @param lambda λ
     * @return w(λ) = H⁻¹(Bλ + c)
     */
    public Tensor exactInner(Tensor lambda) {
        return data.h().solve(data.b().matmul(lambda).add(data.c()));
    }

    /**
     * @param lambda λ
     * @return θλ + BᵀH⁻¹(w(λ) - w*), by dense solves
     */
    public Tensor closedFormHypergradient(Tensor lambda) {
        Tensor w = exactInner(lambda);
        return lambda.mul(THETA).add(data.b().matmul(data.h().solve(w.sub(data.target())), true, false));
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        double radius = exactInner(outer).normValue();
        double alpha = innerMap().step(outer);
        return Optional.of(new LipschitzConstants(1, 0, 0, 0, 2 * radius + data.target().normValue(),
                alpha * data.normB()));
    }
}
