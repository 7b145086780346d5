/**
 * The common pieces of the single-loop stochastic bilevel methods on a
 * {@link org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem}: the joint state (w, v, λ)
 * ({@link org.bilevel4j.algorithms.stochastic.common.BilevelState}), the three directions
 * ({@link org.bilevel4j.algorithms.stochastic.common.Directions}), seeded samplers with independent inner and outer
 * streams, step-size schedules per variable group, per-sample oracle accounting, the method abstraction
 * ({@link org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod}) and the solver that runs it under
 * iteration, oracle and wall-time budgets.
 *
 * <p>Sign convention: v ≈ +[∇²_ww g]⁻¹ ∇_w f and ∇Φ = ∇_λ f − ∇²_λw g·v, as everywhere in the
 * library; the papers of the SOBA family use v_paper = −v.
 */
package org.bilevel4j.algorithms.stochastic.common;
