package org.bilevel4j.api.problem;

import java.util.Objects;
import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * An {@link OptimizationBilevelProblem} that forwards every method to another one: extend it to add helpers to a
 * problem built with {@link BilevelProblem#optimization}, or to override one method (typically
 * {@link #lipschitzConstants}, which turns on certified hypergradient error bounds).
 */
public abstract class ForwardingOptimizationProblem implements OptimizationBilevelProblem {
    private final OptimizationBilevelProblem delegate;

    /** @param delegate the problem to forward to */
    protected ForwardingOptimizationProblem(OptimizationBilevelProblem delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public ScalarObjective outerObjective() {
        return delegate.outerObjective();
    }

    @Override
    public ScalarObjective innerObjective() {
        return delegate.innerObjective();
    }

    @Override
    public GradientStepMap innerMap() {
        return delegate.innerMap();
    }

    @Override
    public Optional<CurvatureBounds> curvature(Tensor outer) {
        return delegate.curvature(outer);
    }

    @Override
    public Shape innerShape() {
        return delegate.innerShape();
    }

    @Override
    public Shape outerShape() {
        return delegate.outerShape();
    }

    @Override
    public Tensor initialInner(Tensor outer) {
        return delegate.initialInner(outer);
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        return delegate.lipschitzConstants(outer);
    }
}
