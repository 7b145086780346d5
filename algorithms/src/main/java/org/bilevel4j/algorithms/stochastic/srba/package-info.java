/**
 * SRBA (Dagréou, Moreau, Vaiter, Ablin, "A Lower Bound and a Near-Optimal Algorithm for Bilevel Empirical Risk
 * Minimization", AISTATS 2024): recursive (SARAH-style) directions with periodic full-batch restarts.
 */
package org.bilevel4j.algorithms.stochastic.srba;
