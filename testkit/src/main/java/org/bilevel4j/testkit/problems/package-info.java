/**
 * Bilevel problems with closed-form solutions and exactly known constants, the ground truth of the theory checks
 * and estimator tests: an affine contraction, per-coordinate ridge regression, a tanh equilibrium map, biased
 * regularisation and ℓ₂-regularised logistic regression. Each is a {@link org.bilevel4j.testkit.problems.TestProblem}
 * with the exact inner solution, its Jacobian, the exact hypergradient and the regularity constants of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020.
 * For the stochastic (finite-sum) methods, {@link org.bilevel4j.testkit.problems.QuadraticBilevelErm} is a quadratic
 * bilevel empirical risk with closed-form w*, v*, ∇Φ, λ* and exact inner constants μ, L.
 */
package org.bilevel4j.testkit.problems;
