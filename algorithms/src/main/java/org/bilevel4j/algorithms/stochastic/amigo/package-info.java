/**
 * AmIGO (Arbel, Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel Optimization", ICLR 2022):
 * a two-loop method whose inner and adjoint solvers are warm-started from the previous outer iteration, with the
 * adjoint by SGD on the quadratic (AmIGO-GD) or conjugate gradients on a sampled system (AmIGO-CG), and the AID
 * ablations without warm starts.
 */
package org.bilevel4j.algorithms.stochastic.amigo;
