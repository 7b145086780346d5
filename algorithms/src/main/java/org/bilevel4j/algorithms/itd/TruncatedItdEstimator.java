package org.bilevel4j.algorithms.itd;

import java.util.ArrayDeque;
import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.Instrumentation;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Truncated back-propagation (K-RMAD, Shaban et al. 2019): t forward steps, then the reverse recursion of
 * {@link ItdEstimator} through the last K steps only. Memory O(K·d). K = t gives ITD; when ∂₁Φ and ∂₂Φ
 * do not depend on w it equals AID-FP with k = K at the same w_t. Biased for K &lt; t; seed 004 does not analyse it.
 */
public final class TruncatedItdEstimator implements HypergradientEstimator {
    private final InnerPhase phase;
    private final int truncation;
    private final boolean strict;

    /**
     * @param phase      the inner solver, budget and warm-start setting
     * @param truncation K ≥ 1, the steps differentiated through
     * @param strict     throw unless the inner iteration met its tolerance
     */
    public TruncatedItdEstimator(InnerPhase phase, int truncation, boolean strict) {
        this.phase = Objects.requireNonNull(phase, "phase");
        if (truncation < 1) {
            throw new IllegalArgumentException("truncation: expected K >= 1, got " + truncation);
        }
        this.truncation = truncation;
        this.strict = strict;
    }

    /** @param t inner steps @param k steps to differentiate through @return truncated ITD with Picard steps */
    public static TruncatedItdEstimator of(int t, int k) {
        return new TruncatedItdEstimator(InnerPhase.picard(t), k, false);
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator step = Instrumentation.counting(phase.solver().stepMap(problem), counter);
        Tensor w0 = phase.start(problem, outer, previous);
        problem.checkShapes(w0, outer);
        ArrayDeque<Tensor> window = new ArrayDeque<>(truncation + 1);
        Tensor s = phase.solver().initialState(problem, w0);
        int steps = 0;
        boolean converged = false;
        while (steps < phase.budget().maxIterations() && !converged) {
            Tensor next = step.apply(s, outer);
            if (ReverseSweep.diverged(phase, problem, next, w0)) {
                return ReverseSweep.diverged(name(), phase.solver(), outer, phase.solver().inner(problem, s), steps + 1,
                        counter, strict);
            }
            window.addLast(s);
            if (window.size() > truncation) {
                window.removeFirst();
            }
            converged = ReverseSweep.converged(phase, problem, s, next);
            s = next;
            steps++;
        }
        Tensor wt = phase.solver().inner(problem, s);
        ValueAndPartials grad = Instrumentation.counting(problem.outerObjective(), counter).valueAndGradient(wt, outer);
        ReverseSweep.Adjoint adj = ReverseSweep.seed(problem, phase.solver(), grad, s);
        while (!window.isEmpty()) {
            adj.through(step, window.removeLast(), outer);
        }
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        return ReverseSweep.finish(name(), problem, phi, phase, outer, w0, wt, grad, adj.outer, steps, steps <= truncation, converged,
                counter, strict, "back-propagated through the last " + Math.min(truncation, steps) + " steps");
    }

    @Override
    public String name() {
        return "itd-truncated(t=" + phase.budget().maxIterations() + ",K=" + truncation + ")";
    }
}
