package org.bilevel4j.algorithms.outer;

import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;

/**
 * One line of a run's history: the scalars of an {@link OuterIteration}, without tensors, so that long runs keep
 * their history cheaply.
 *
 * @param iteration         1-based index
 * @param objective         E(w_t, λ)
 * @param hypergradientNorm ‖estimate‖
 * @param stepNorm          ‖λ_next - λ‖
 * @param innerResidual     ‖w_t - Φ(w_t, λ)‖
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
