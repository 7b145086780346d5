package org.bilevel4j.algorithms.itd;

import java.util.ArrayList;
import java.util.List;
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
 * ITD in reverse mode with bounded memory: the same gradient as {@link ItdEstimator}, but the forward pass keeps
 * only every c-th state (c = ⌈√t⌉ by default), and the backward pass recomputes each segment of c states
 * from its checkpoint before sweeping back through it (Griewank's checkpointing with one level). Memory:
 * t/c + c states, O(√t·d) instead of O(t·d); cost: about 3t map evaluations and t VJPs instead of 2t and t.
 */
public final class CheckpointedItdEstimator implements HypergradientEstimator {
    private final InnerPhase phase;
    private final int interval;
    private final boolean strict;

    /**
     * @param phase    the inner solver, budget and warm-start setting
     * @param interval steps between checkpoints, ≥ 1, or 0 for ⌈√t⌉
     * @param strict   throw unless the inner iteration met its tolerance
     */
    public CheckpointedItdEstimator(InnerPhase phase, int interval, boolean strict) {
        this.phase = Objects.requireNonNull(phase, "phase");
        if (interval < 0) {
            throw new IllegalArgumentException("interval: expected >= 0 (0 for sqrt(t)), got " + interval);
        }
        this.interval = interval;
        this.strict = strict;
    }

    /** @param t inner steps @return checkpointed ITD through t Picard steps, checkpoints every ⌈√t⌉ */
    public static CheckpointedItdEstimator of(int t) {
        return new CheckpointedItdEstimator(InnerPhase.picard(t), 0, false);
    }

    /** @return the steps between checkpoints for this estimator's budget */
    public int checkpointInterval() {
        int t = phase.budget().maxIterations();
        return interval > 0 ? interval : Math.max(1, (int) Math.ceil(Math.sqrt(t)));
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator step = Instrumentation.counting(phase.solver().stepMap(problem), counter);
        Tensor w0 = phase.start(problem, outer, previous);
        problem.checkShapes(w0, outer);
        int c = checkpointInterval();
        List<Tensor> checkpoints = new ArrayList<>();
        Tensor s = phase.solver().initialState(problem, w0);
        checkpoints.add(s);
        int steps = 0;
        boolean converged = false;
        while (steps < phase.budget().maxIterations() && !converged) {
            Tensor next = step.apply(s, outer);
            if (ReverseSweep.diverged(phase, problem, next, w0)) {
                return ReverseSweep.diverged(name(), phase.solver(), outer, phase.solver().inner(problem, s), steps + 1,
                        counter, strict);
            }
            converged = ReverseSweep.converged(phase, problem, s, next);
            s = next;
            steps++;
            if (steps % c == 0) {
                checkpoints.add(s);
            }
        }
        Tensor wt = phase.solver().inner(problem, s);
        ValueAndPartials grad = Instrumentation.counting(problem.outerObjective(), counter).valueAndGradient(wt, outer);
        ReverseSweep.Adjoint adj = ReverseSweep.seed(problem, phase.solver(), grad, s);
        for (int segment = (steps - 1) / c; segment >= 0 && steps > 0; segment--) {
            int from = segment * c;
            int to = Math.min(from + c, steps);
            Tensor[] states = new Tensor[to - from];
            states[0] = checkpoints.get(segment);
            for (int i = 1; i < states.length; i++) {
                states[i] = step.apply(states[i - 1], outer);
            }
            for (int i = states.length - 1; i >= 0; i--) {
                adj.through(step, states[i], outer);
            }
        }
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        return ReverseSweep.finish(name(), problem, phi, phase, outer, w0, wt, grad, adj.outer, steps, true, converged,
                counter, strict, checkpoints.size() + " checkpoints every " + c + " steps");
    }

    @Override
    public String name() {
        return "itd-checkpoint(t=" + phase.budget().maxIterations() + ",c=" + checkpointInterval() + ")";
    }
}
