/**
 * Iterative differentiation (ITD): the exact gradient of f_t(&lambda;) = E(w_t(&lambda;), &lambda;) through t inner steps,
 * in reverse mode ({@link org.bilevel4j.algorithms.itd.ItdEstimator}), with O(&radic;t) memory by checkpointing
 * ({@link org.bilevel4j.algorithms.itd.CheckpointedItdEstimator}), truncated to the last K steps
 * ({@link org.bilevel4j.algorithms.itd.TruncatedItdEstimator}), and in forward mode for low-dimensional &lambda;
 * ({@link org.bilevel4j.algorithms.itd.ForwardItdEstimator}).
 */
package org.bilevel4j.algorithms.itd;
