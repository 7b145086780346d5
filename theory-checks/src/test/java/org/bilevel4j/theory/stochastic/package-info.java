/**
 * Theory checks of the stochastic bilevel family (SOBA, SABA, SRBA of Dagréou, Ablin, Vaiter, Moreau, "A framework
 * for bilevel optimization that enables stochastic and global variance reduction algorithms", NeurIPS 2022; AmIGO of
 * Arbel, Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel Optimization", ICLR 2022) on quadratic
 * bilevel empirical risks with exactly known solutions. Figures go to {@code target/theory-checks/stochastic.md}.
 */
package org.bilevel4j.theory.stochastic;
