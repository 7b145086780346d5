package org.bilevel4j.algorithms.hypergradient;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every estimator: a non-finite hypergradient is reported as DIVERGED (never returned as
 * CONVERGED), the outcome is logged, and in strict mode anything short of CONVERGED is thrown as an
 * {@link UncertifiedHypergradientException}.
 */
public final class Certification {
    private static final Logger LOG = LoggerFactory.getLogger(Certification.class);

    private Certification() {
    }

    /**
     * @param estimate the estimate as computed
     * @param strict   whether to throw unless it converged
     * @return the estimate, with status DIVERGED if its hypergradient is not finite
     * @throws UncertifiedHypergradientException in strict mode, unless the status is CONVERGED
     */
    public static HypergradientEstimate finish(HypergradientEstimate estimate, boolean strict) {
        HypergradientEstimate e = estimate;
        if (!e.hypergradient().isFinite() && e.status() != Status.DIVERGED) {
            e = e.withStatus(Status.DIVERGED, "hypergradient has NaN or infinite entries; " + e.message());
        }
        if (e.status().isFailure()) {
            LOG.warn("{}", e);
        } else {
            LOG.debug("{}", e);
        }
        if (strict && e.status() != Status.CONVERGED) {
            throw new UncertifiedHypergradientException(e);
        }
        return e;
    }
}
