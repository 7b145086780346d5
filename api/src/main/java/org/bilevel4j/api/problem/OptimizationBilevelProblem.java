package org.bilevel4j.api.problem;

import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A bilevel problem in optimization form (seed 004 problem (2); seeds 000&ndash;003):
 * <pre>
 *   min_&lambda; f(&lambda;) = E(w(&lambda;), &lambda;)   subject to   w(&lambda;) = argmin_w g(w, &lambda;)
 * </pre>
 * with g strongly convex in w. It is also a {@link BilevelProblem} whose inner map is the gradient step
 * &Phi;(w, &lambda;) = w - &alpha;&nabla;_w g(w, &lambda;) ({@link GradientStepMap}), so every fixed-point estimator applies; the
 * stochastic methods use {@link #innerObjective()} directly.
 *
 * <p>Sign convention (one adjoint for the whole library): the hypergradient is
 * &nabla;f = &nabla;_&lambda;E - &nabla;&sup2;_&lambda;w g &middot; z with z solving &nabla;&sup2;_ww g &middot; z = &nabla;_w E; the fixed-point adjoint of
 * {@link BilevelProblem} is v = z/&alpha;.
 */
public interface OptimizationBilevelProblem extends BilevelProblem {

    /** @return g(w, &lambda;) */
    ScalarObjective innerObjective();

    @Override
    GradientStepMap innerMap();

    /**
     * @param outer &lambda;
     * @return &mu; and L of &nabla;&sup2;_ww g at &lambda;, if known
     */
    Optional<CurvatureBounds> curvature(Tensor outer);
}
