/**
 * Iterative differentiation (ITD): the exact gradient of f_t(λ) = E(w_t(λ), λ) through t inner steps.
 * {@link org.bilevel4j.algorithms.itd.ItdEstimator} runs the shared inner loop of
 * {@link org.bilevel4j.algorithms.inner.InnerSolver#run} and differentiates it in one of five modes: reverse mode
 * with the trajectory stored or the tape kept, with O(√t) memory by checkpointing, truncated to the last K steps,
 * or forward mode for low-dimensional λ. Each mode is a package-private sweep that records what it needs at every
 * step and runs the backward (or forward) recursion.
 */
package org.bilevel4j.algorithms.itd;
