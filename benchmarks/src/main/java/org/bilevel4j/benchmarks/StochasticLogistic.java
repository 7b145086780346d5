package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Per-feature L2 tuning of a logistic regression as a finite-sum bilevel problem, float64:
 * gᵢ(w, λ) = log(1 + exp(−yᵢxᵢᵀw)) + ½ Σₖ e^{λₖ} wₖ² over n training rows and
 * fⱼ(w, λ) = log(1 + exp(−yⱼuⱼᵀw)) over m validation rows, d features, labels from a random linear model.
 */
final class StochasticLogistic {
    private StochasticLogistic() {
    }

    /**
     * @param b    the backend
     * @param n    training samples
     * @param m    validation samples
     * @param d    features (= d_w = d_λ)
     * @param seed the data seed
     * @return the problem
     */
    static FiniteSumBilevelProblem problem(Backend b, int n, int m, int d, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor truth = b.randomNormal(Shape.of(d), DType.FLOAT64, rng);
        Tensor x = b.randomNormal(Shape.of(n, d), DType.FLOAT64, rng).div(Math.sqrt(d));
        Tensor y = x.matmul(truth).sign();
        Tensor u = b.randomNormal(Shape.of(m, d), DType.FLOAT64, rng).div(Math.sqrt(d));
        Tensor t = u.matmul(truth).sign();
        FiniteSum train = FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus()
                .add(w.square().mul(l.exp()).sum().mul(0.5)), x, y);
        FiniteSum valid = FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus(), u, t);
        return FiniteSumBilevelProblem.of(train, valid, Shape.of(d), Shape.of(d));
    }
}
