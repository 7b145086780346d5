package org.bilevel4j.algorithms.hypergradient;

import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last step of every estimator: a non-finite hypergradient is reported as DIVERGED (never returned as
 * CONVERGED), a failed estimate (DIVERGED or BREAKDOWN) carries a hypergradient of zeros and no bound, the outcome is logged, and in strict mode anything short of CONVERGED is thrown as an
 * {@link UncertifiedHypergradientException}.
 */
public final class Certification {
    private static final Logger LOG = LoggerFactory.getLogger(Certification.class);

    private Certification() {
    }

    /**
     * @param estimate the estimate as computed
     * @param strict   whether to throw unless it converged
     * @return the estimate, with status DIVERGED if its hypergradient is not finite, and zeros as its hypergradient
     *         if it failed
     * @throws UncertifiedHypergradientException in strict mode, unless the status is CONVERGED
     */
    public static HypergradientEstimate finish(HypergradientEstimate estimate, boolean strict) {
        HypergradientEstimate e = estimate;
        if (!e.hypergradient().isFinite() && e.status() != Status.DIVERGED) {
            e = e.withStatus(Status.DIVERGED, "hypergradient has NaN or infinite entries; " + e.message());
        }
        if (e.status().isFailure() && e.hypergradient().normValue() != 0) {
            // a failed estimate carries zeros (never NaN, never a value computed from a diverged or broken solve)
            Tensor g = e.hypergradient();
            e = new HypergradientEstimate(e.method(), g.backend().zeros(g.shape(), g.dtype()), e.inner(),
                    e.outerValue(), e.innerResidual(), e.innerIterations(), e.diagnostics(), e.counts(), e.status(),
                    ErrorBound.unavailable(e.status() + ": no estimate to bound"),
                    e.message() + "; the hypergradient (zeros) must not be used");
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
