package org.bilevel4j.api.problem;

import java.util.Optional;
import java.util.function.Function;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/** The optimization form with its derived gradient-step map. */
record OptimizationProblem(ScalarObjective outerObjective, ScalarObjective innerObjective, GradientStepMap innerMap,
        Function<Tensor, CurvatureBounds> curvatureBounds, Shape innerShape, Shape outerShape)
        implements OptimizationBilevelProblem {

    @Override
    public Optional<CurvatureBounds> curvature(Tensor outer) {
        return curvatureBounds == null ? Optional.empty() : Optional.of(curvatureBounds.apply(outer));
    }
}
