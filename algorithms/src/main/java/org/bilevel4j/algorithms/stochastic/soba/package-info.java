/**
 * SOBA (Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel optimization that enables stochastic and global
 * variance reduction algorithms", NeurIPS 2022): joint stochastic steps of w, v and λ along the three sampled
 * directions.
 */
package org.bilevel4j.algorithms.stochastic.soba;
