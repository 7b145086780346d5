/**
 * Iterative differentiation (ITD): the exact gradient of f_t(λ) = E(w_t(λ), λ) through t inner steps,
 * in reverse mode ({@link org.bilevel4j.algorithms.itd.ItdEstimator}), with O(√t) memory by checkpointing
 * ({@link org.bilevel4j.algorithms.itd.CheckpointedItdEstimator}), truncated to the last K steps
 * ({@link org.bilevel4j.algorithms.itd.TruncatedItdEstimator}), and in forward mode for low-dimensional λ
 * ({@link org.bilevel4j.algorithms.itd.ForwardItdEstimator}).
 */
package org.bilevel4j.algorithms.itd;
