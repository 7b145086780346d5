package org.bilevel4j.algorithms.outer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * @param diagnostics       the estimator family's scalar figures ({@code MethodDiagnostics#figures}), e.g. the
 *                          adjoint residual of AID or the back-propagation remainder of ITD
 * @param errorBound        the a-posteriori hypergradient error bound (NaN if unavailable)
 * @param certified         whether the estimate was certified (converged, with a proven bound)
 * @param status            the estimate's status
 * @param counts            the estimate's oracle counts
 * @param elapsedNanos      time since the run started
 */
public record IterationRecord(int iteration, double objective, double hypergradientNorm, double stepNorm,
        double innerResidual, Map<String, Double> diagnostics, double errorBound, boolean certified, Status status,
        OracleCounts counts,
        long elapsedNanos) {

    static IterationRecord of(OuterIteration it) {
        var e = it.estimate();
        return new IterationRecord(it.iteration(), e.outerValue(), it.hypergradientNorm(),
                it.next().sub(it.outer()).normValue(), e.innerResidual(), Collections.unmodifiableMap(new LinkedHashMap<>(e.diagnostics().figures())),
                e.bound().hypergradientError(), e.isCertified(), e.status(), e.counts(), it.elapsedNanos());
    }
}
