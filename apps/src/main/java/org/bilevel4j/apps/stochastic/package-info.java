/**
 * The {@code stochastic} command: single-loop stochastic bilevel methods (SOBA, SABA, SRBA, MA-SOBA, AmIGO) on a
 * quadratic bilevel empirical risk with a closed-form hypergradient and on per-feature L2 tuning of a logistic
 * regression with minibatches.
 */
package org.bilevel4j.apps.stochastic;
