package org.bilevel4j.apps.learndata;

import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Shape;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.apps.models.Classification;
import org.bilevel4j.apps.models.Classification.Batch;

/**
 * Training-data optimisation (seed 004 &sect;3.2, after Maclaurin et al. 2015): learn c training images X, one per
 * class, such that logistic regression trained on them does well on the real training set.
 * <pre>
 *   outer  min_X  CE(X' w(X), y')                         (X', y'): the full training set
 *   inner  w(X) = argmin_w CE(X w, y) + &beta;/(2cp) &#8214;w&#8214;&sup2;     y = (0, ..., c-1), w &isin; R^{p&times;c}
 * </pre>
 * with &beta; = 1, c = 10, p = 784, X&#8320; = 0, and inner gradient descent with the fixed step 10&#8308; (digest &sect;4.2).
 */
public final class DataLearningProblem implements OptimizationBilevelProblem {
    /** &beta; of the paper. */
    public static final double BETA = 1.0;
    /** The inner gradient step of the paper. */
    public static final double INNER_STEP = 1e4;

    private final int classes;
    private final int pixels;
    private final OptimizationBilevelProblem problem;

    /**
     * @param reference the real data (X', y') of the outer objective
     * @param step      the inner gradient step (the paper's 10&#8308;)
     */
    public DataLearningProblem(Batch reference, double step) {
        this.classes = reference.classes();
        this.pixels = reference.features().dim(1);
        Backend b = reference.features().backend();
        Tensor y = b.identity(classes);
        double penalty = BETA / (2.0 * classes * pixels);
        Tensor xv = reference.features();
        Tensor yv = reference.oneHot();
        ScalarObjective inner = ScalarObjective.of((w, x) -> Classification.crossEntropy(x.matmul(w), y)
                .add(w.square().sum().mul(penalty)));
        ScalarObjective outer = ScalarObjective.of((w, x) -> Classification.crossEntropy(xv.matmul(w), yv));
        this.problem = BilevelProblem.optimization(outer, inner, Shape.of(pixels, classes), Shape.of(classes, pixels),
                step);
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
}
