package org.bilevel4j.api.problem;

import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.types.Shape;

/** The plain fixed-point form. */
record FixedPointProblem(ScalarObjective outerObjective, FixedPointOperator innerMap, Shape innerShape,
        Shape outerShape) implements BilevelProblem {
}
