package org.bilevel4j.api.problem;

import java.util.Optional;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A bilevel problem in optimization form (problem (2) of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020;
 * also the setting of
 * Arbel, Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel Optimization", ICLR 2022;
 * Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel optimization that enables stochastic and global
 * variance reduction algorithms", NeurIPS 2022; and, in function space, Petrulionytė, Mairal, Arbel,
 * "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024):
 * <pre>
 *   min_λ f(λ) = E(w(λ), λ)   subject to   w(λ) = argmin_w g(w, λ)
 * </pre>
 * with g strongly convex in w. It is also a {@link BilevelProblem} whose inner map is the gradient step
 * Φ(w, λ) = w - α∇_w g(w, λ) ({@link GradientStepMap}), so every fixed-point estimator applies; the
 * stochastic methods use {@link #innerObjective()} directly.
 *
 * <p>Sign convention (one adjoint for the whole library): the hypergradient is
 * ∇f = ∇_λE - ∇²_λw g · z with z solving ∇²_ww g · z = ∇_w E; the fixed-point adjoint of
 * {@link BilevelProblem} is v = z/α.
 */
public interface OptimizationBilevelProblem extends BilevelProblem {

    /** @return g(w, λ) */
    ScalarObjective innerObjective();

    @Override
    GradientStepMap innerMap();

    /**
     * @param outer λ
     * @return μ and L of ∇²_ww g at λ, if known
     */
    Optional<CurvatureBounds> curvature(Tensor outer);
}
