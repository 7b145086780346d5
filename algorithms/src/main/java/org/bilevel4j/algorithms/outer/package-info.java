/**
 * The outer loop: {@link org.bilevel4j.algorithms.outer.BilevelSolver} with outer optimizers (gradient descent,
 * momentum, Nesterov, Adam), projections (box, non-negativity, spectral-norm ball, blocks), stopping rules,
 * listeners and a result record with the history.
 */
package org.bilevel4j.algorithms.outer;
