package org.bilevel4j.algorithms.outer;

import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;

/**
 * One line of a run's history: the scalars of an {@link OuterIteration}, without tensors, so that long runs keep
 * their history cheaply.
 *
 * @param iteration         1-based index
 * @param objective         E(w_t, &lambda;)
 * @param hypergradientNorm &#8214;estimate&#8214;
 * @param stepNorm          &#8214;&lambda;_next - &lambda;&#8214;
 * @param innerResidual     &#8214;w_t - &Phi;(w_t, &lambda;)&#8214;
 * @param adjointResidual   the adjoint residual (NaN for ITD)
 * @param errorBound        the a-posteriori hypergradient error bound (NaN if unavailable)
 * @param status            the estimate's status
 * @param counts            the estimate's oracle counts
 * @param elapsedNanos      time since the run started
 */
public record IterationRecord(int iteration, double objective, double hypergradientNorm, double stepNorm,
        double innerResidual, double adjointResidual, double errorBound, Status status, OracleCounts counts,
        long elapsedNanos) {

    static IterationRecord of(OuterIteration it) {
        var e = it.estimate();
        return new IterationRecord(it.iteration(), e.outerValue(), it.hypergradientNorm(),
                it.next().sub(it.outer()).normValue(), e.innerResidual(), e.adjointResidual(),
                e.bound().hypergradientError(), e.status(), e.counts(), it.elapsedNanos());
    }
}
