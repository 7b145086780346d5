package org.bilevel4j.algorithms.stochastic.common;

import org.bilevel4j.algorithms.diagnostics.Status;

/**
 * The outcome of a stochastic run. A stochastic run ends with {@link Status#BUDGET_EXHAUSTED} (the normal outcome:
 * an iteration, oracle or wall-time budget ran out) or {@link Status#DIVERGED}; it never reports
 * {@link Status#CONVERGED}, because a noisy direction's norm does not certify stationarity.
 *
 * @param state        the last finite (w, v, λ) (the one before the failure if the run diverged)
 * @param status       how the run ended
 * @param iterations   iterations performed (including a diverging one)
 * @param counts       oracle calls in per-sample units
 * @param elapsedNanos wall time of the run
 * @param divergedAt   the 1-based iteration that produced a non-finite iterate, or -1
 * @param reason       which budget ended the run, or which variable became non-finite
 */
public record StochasticResult(BilevelState state, Status status, long iterations, SampleOracleCounts counts,
        long elapsedNanos, long divergedAt, String reason) {
}
