package org.bilevel4j.algorithms.stochastic.common;

/**
 * What a listener sees after each iteration of a stochastic run.
 *
 * @param iteration    1-based index of the iteration just performed
 * @param state        (w, v, λ) after it
 * @param counts       oracle calls so far, in per-sample units
 * @param elapsedNanos wall time since the run started
 */
public record StochasticIteration(long iteration, BilevelState state, SampleOracleCounts counts, long elapsedNanos) {
}
