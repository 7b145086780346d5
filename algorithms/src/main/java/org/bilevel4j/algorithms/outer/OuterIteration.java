package org.bilevel4j.algorithms.outer;

import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.tensor.Tensor;

/**
 * What a listener sees after each outer iteration.
 *
 * @param iteration     1-based index
 * @param outer         λ at which the hypergradient was estimated
 * @param next          λ after the update and projection
 * @param estimate      the hypergradient estimate with its diagnostics
 * @param elapsedNanos  time since the run started
 */
public record OuterIteration(int iteration, Tensor outer, Tensor next, HypergradientEstimate estimate,
        long elapsedNanos) {

    /** @return E(w_t, λ) */
    public double objective() {
        return estimate.outerValue();
    }

    /** @return ‖estimate‖ */
    public double hypergradientNorm() {
        return estimate.hypergradient().normValue();
    }
}
