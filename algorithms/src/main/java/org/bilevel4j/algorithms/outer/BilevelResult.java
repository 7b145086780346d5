package org.bilevel4j.algorithms.outer;

import java.util.List;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The outcome of an outer-loop run.
 *
 * @param outer        the final λ
 * @param lastEstimate the last hypergradient estimate (its inner iterate is w_t at the last estimated λ)
 * @param history      one record per iteration
 * @param status       CONVERGED (hypergradient norm below tolerance), BUDGET_EXHAUSTED (iterations or time),
 *                     or the failure status of the estimate that stopped the run
 * @param iterations   outer iterations performed
 * @param totalCounts  oracle calls over the run
 * @param elapsedNanos wall time
 * @param message      why the run stopped
 */
public record BilevelResult(Tensor outer, HypergradientEstimate lastEstimate, List<IterationRecord> history,
        Status status, int iterations, OracleCounts totalCounts, long elapsedNanos, String message) {
}
