/**
 * SABA (Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel optimization that enables stochastic and global
 * variance reduction algorithms", NeurIPS 2022): SAGA-style variance reduction of the three directions, with one
 * flat memory table per sum.
 */
package org.bilevel4j.algorithms.stochastic.saba;
