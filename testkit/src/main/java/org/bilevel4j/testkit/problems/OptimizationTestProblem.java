package org.bilevel4j.testkit.problems;

import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;

/** A {@link TestProblem} in optimization form: its inner map is a gradient step on the inner objective. */
public abstract class OptimizationTestProblem extends TestProblem implements OptimizationBilevelProblem {

    protected OptimizationTestProblem(String name, Backend backend) {
        super(name, backend);
    }

    @Override
    protected void define(BilevelProblem problem) {
        if (!(problem instanceof OptimizationBilevelProblem)) {
            throw new IllegalArgumentException("problem: expected the optimization form, got " + problem);
        }
        super.define(problem);
    }

    @Override
    protected OptimizationBilevelProblem definition() {
        return (OptimizationBilevelProblem) super.definition();
    }

    @Override
    public ScalarObjective innerObjective() {
        return definition().innerObjective();
    }

    @Override
    public GradientStepMap innerMap() {
        return definition().innerMap();
    }

    @Override
    public Optional<CurvatureBounds> curvature(Tensor outer) {
        return definition().curvature(outer);
    }
}
