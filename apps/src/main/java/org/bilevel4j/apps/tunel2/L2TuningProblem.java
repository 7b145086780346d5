package org.bilevel4j.apps.tunel2;

import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.ForwardingOptimizationProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.cli.OuterDomainException;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;

/**
 * Per-feature L2 regularisation of multinomial logistic regression (the 20 Newsgroups experiment of Grazzi, Franceschi,
 * Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, Section 3.2, and of Arbel and
 * Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel Optimization", ICLR 2022, Section 5.2), with
 * λ ∈ R^d entering as exp(λ):
 * <pre>
 *   inner  g(W, λ) = CE(X W, Y) + 1/(2cd) Σ_j exp(λ_j) Σ_k W_jk²     W ∈ R^{d×c}
 *   outer  E(W, λ) = CE(X' W, Y')   (validation cross-entropy)
 * </pre>
 * The inner map is gradient descent with the optimal step for the curvature bounds
 * μ = min exp(λ)/(cd) and L = λ_max(XᵀX)/(2n) + max exp(λ)/(cd) (the softmax Hessian is at most ½).
 */
public final class L2TuningProblem extends ForwardingOptimizationProblem {
    private final Batch train;
    private final Batch validation;

    /**
     * @param train      training set (inner problem)
     * @param validation validation set (outer objective)
     */
    public L2TuningProblem(Batch train, Batch validation) {
        super(build(train, validation));
        this.train = train;
        this.validation = validation;
    }

    private static OptimizationBilevelProblem build(Batch train, Batch validation) {
        int features = train.features().dim(1);
        double scale = 1.0 / (2.0 * train.classes() * features);
        Tensor x = train.features();
        Tensor y = train.oneHot();
        Tensor xv = validation.features();
        Tensor yv = validation.oneHot();
        ScalarObjective inner = ScalarObjective.of((w, l) -> Classification.crossEntropy(x.matmul(w), y)
                .add(l.exp().reshape(features, 1).mul(w.square()).sum().mul(scale)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> Classification.crossEntropy(xv.matmul(w), yv));
        double data = Classification.gramNorm(x) / 2;
        return BilevelProblem.optimization(outer, inner, Shape.of(features, train.classes()), Shape.of(features), l -> {
            requireInDomain(l, scale);
            Tensor e = l.exp();
            return new CurvatureBounds(2 * scale * e.min().item(), data + 2 * scale * e.max().item());
        });
    }

    /**
     * The domain of λ: every penalty 2·exp(λ_j)/(2cd) positive and finite in float64, so that the inner problem is
     * strongly convex and smooth.
     *
     * @throws OuterDomainException naming the first λ_j outside it
     */
    static void requireInDomain(Tensor lambda, double scale) {
        double[] l = lambda.toDoubleArray();
        for (int j = 0; j < l.length; j++) {
            double penalty = 2 * scale * Math.exp(l[j]);
            if (!(penalty > 0) || !Double.isFinite(penalty)) {
                throw new OuterDomainException("lambda[" + j + "]: expected a value whose penalty exp(lambda) is "
                        + "positive and finite, got " + l[j]);
            }
        }
    }

    /**
     * @param w     the weights [d, c]
     * @param batch a dataset
     * @return classification accuracy of w on it
     */
    public static double accuracy(Tensor w, Batch batch) {
        return Classification.accuracy(batch.features().matmul(w), batch.labels());
    }

    /**
     * @param w     the weights
     * @param batch a dataset
     * @return the mean cross-entropy of w on it
     */
    public static double loss(Tensor w, Batch batch) {
        return Classification.crossEntropy(batch.features().matmul(w), batch.oneHot()).item();
    }

    /** @return the training set */
    public Batch train() {
        return train;
    }

    /** @return the validation set */
    public Batch validation() {
        return validation;
    }
}
