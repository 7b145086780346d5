package org.bilevel4j.algorithms.outer;

import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.tensor.Tensor;

/**
 * What a listener sees after each outer iteration.
 *
 * @param iteration     1-based index
 * @param outer         &lambda; at which the hypergradient was estimated
 * @param next          &lambda; after the update and projection
 * @param estimate      the hypergradient estimate with its diagnostics
 * @param elapsedNanos  time since the run started
 */
public record OuterIteration(int iteration, Tensor outer, Tensor next, HypergradientEstimate estimate,
        long elapsedNanos) {

    /** @return E(w_t, &lambda;) */
    public double objective() {
        return estimate.outerValue();
    }

    /** @return &#8214;estimate&#8214; */
    public double hypergradientNorm() {
        return estimate.hypergradient().normValue();
    }
}
