/**
 * Matrix-free linear solvers for the adjoint systems of implicit differentiation, all behind
 * {@link org.bilevel4j.algorithms.linalg.LinearSolver}: conjugate gradients, MINRES, restarted GMRES, CG on the
 * normal equations, Richardson / fixed-point iteration (also gradient descent on the quadratic), the truncated
 * Neumann series, and a dense direct reference. Each returns a
 * {@link org.bilevel4j.algorithms.linalg.LinearSolveResult} with its residual history, counts and status.
 */
package org.bilevel4j.algorithms.linalg;
