/**
 * Finite-sum (empirical-risk) bilevel problems for the stochastic methods:
 * <pre>
 *   min_λ Φ(λ) = f(w*(λ), λ),   w*(λ) = argmin_w g(w, λ),
 *   g(w, λ) = (1/n) Σᵢ gᵢ(w, λ),   f(w, λ) = (1/m) Σⱼ fⱼ(w, λ).
 * </pre>
 * Each sum is a {@link org.bilevel4j.api.problem.finitesum.FiniteSum}: one batched tensor function of
 * (w, λ, a batch of sample indices) returning the per-sample losses of the batch in one vectorised evaluation
 * (typically on rows gathered from data matrices). {@link org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem}
 * derives every sampled oracle from it by autodiff (∇_w gᵢ, ∇_w fⱼ, ∇_λ fⱼ, ∇²_ww gᵢ·v, ∇²_λw gᵢ·v and the
 * fused triple) and exposes the full-batch problem as an ordinary
 * {@link org.bilevel4j.api.problem.OptimizationBilevelProblem}, so that the deterministic estimators run on the
 * same object and serve as references.
 */
package org.bilevel4j.api.problem.finitesum;
