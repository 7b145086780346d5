/**
 * MA-SOBA (Chen, Xiao, Balasubramanian, "Optimal algorithms for stochastic bilevel optimization under relaxed
 * smoothness conditions", 2023): SOBA with a moving average of the outer direction.
 */
package org.bilevel4j.algorithms.stochastic.masoba;
