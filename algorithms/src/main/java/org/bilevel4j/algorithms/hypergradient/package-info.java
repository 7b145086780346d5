/**
 * The hypergradient estimator contract: {@link org.bilevel4j.algorithms.hypergradient.HypergradientEstimator},
 * the certified {@link org.bilevel4j.algorithms.hypergradient.HypergradientEstimate} (hypergradient, adjoint,
 * residuals, oracle counts, status, a-posteriori {@link org.bilevel4j.algorithms.hypergradient.ErrorBound}), how
 * the inner iterate is computed ({@link org.bilevel4j.algorithms.hypergradient.InnerPhase}, with warm starts),
 * and the building blocks shared by every estimator (instrumentation, bounds, certification and strict mode).
 * The estimators themselves live in {@code org.bilevel4j.algorithms.itd} and {@code org.bilevel4j.algorithms.aid}.
 */
package org.bilevel4j.algorithms.hypergradient;
