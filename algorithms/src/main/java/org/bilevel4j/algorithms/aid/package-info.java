/**
 * Approximate implicit differentiation: {@link org.bilevel4j.algorithms.aid.AidEstimator} with every linear
 * solver of {@code org.bilevel4j.algorithms.linalg} (AID-FP, Neumann, CG, CG on the normal equations, GD, MINRES,
 * GMRES, exact, automatic), damping and warm starts.
 */
package org.bilevel4j.algorithms.aid;
