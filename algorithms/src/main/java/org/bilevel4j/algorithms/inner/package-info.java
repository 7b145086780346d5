/**
 * Inner solvers as fixed-point maps on their state ({@link org.bilevel4j.algorithms.inner.InnerSolver}): Picard
 * iteration of the problem's map, gradient descent (optimal step where μ and L are known), heavy ball and
 * Nesterov (on the augmented state (w, w_prev)). Each is warm-startable and can be differentiated through (ITD).
 */
package org.bilevel4j.algorithms.inner;
