package org.bilevel4j.apps.learndata;

import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.ForwardingOptimizationProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.models.Classification.Batch;
import org.bilevel4j.apps.models.Classification;

/**
 * Training-data optimisation (Grazzi et al., ICML 2020, Section 3.2, after Maclaurin, Duvenaud, Adams,
 * "Gradient-based Hyperparameter Optimization through Reversible Learning", ICML 2015): learn c training images X,
 * one per class, such that logistic regression trained on them does well on the real training set.
 * <pre>
 *   outer  min_X  CE(X' w(X), y')                         (X', y'): the full training set
 *   inner  w(X) = argmin_w CE(X w, y) + β/(2cp) ‖w‖²     y = (0, ..., c-1), w ∈ R^{p×c}
 * </pre>
 * with β = 1, c = 10, p = 784, X₀ = 0, and inner gradient descent with the fixed step 10⁴.
 */
public final class DataLearningProblem extends ForwardingOptimizationProblem {
    /** β of the paper. */
    public static final double BETA = 1.0;
    /** The inner gradient step of the paper. */
    public static final double INNER_STEP = 1e4;

    /**
     * @param reference the real data (X', y') of the outer objective
     * @param step      the inner gradient step (the paper's 10⁴)
     */
    public DataLearningProblem(Batch reference, double step) {
        super(build(reference, step));
    }

    private static OptimizationBilevelProblem build(Batch reference, double step) {
        int classes = reference.classes();
        int pixels = reference.features().dim(1);
        Backend b = reference.features().backend();
        Tensor y = b.identity(classes);
        double penalty = BETA / (2.0 * classes * pixels);
        Tensor xv = reference.features();
        Tensor yv = reference.oneHot();
        ScalarObjective inner = ScalarObjective.of((w, x) -> Classification.crossEntropy(x.matmul(w), y)
                .add(w.square().sum().mul(penalty)));
        ScalarObjective outer = ScalarObjective.of((w, x) -> Classification.crossEntropy(xv.matmul(w), yv));
        return BilevelProblem.optimization(outer, inner, Shape.of(pixels, classes), Shape.of(classes, pixels), step);
    }
}
