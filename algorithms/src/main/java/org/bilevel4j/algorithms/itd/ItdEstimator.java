package org.bilevel4j.algorithms.itd;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.Instrumentation;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.Linearization;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Iterative differentiation in reverse mode (ITD-RMAD, seed 004 Algorithm 1): run t steps s_i = Ψ(s_{i-1}, λ)
 * of the inner solver from s₀, then compute the exact gradient of f_t(λ) = E(w(s_t), λ) by the backward
 * recursion a ← ∂₁Ψ(s_{i-1}, λ)ᵀa, g ← g + ∂₂Ψ(s_{i-1}, λ)ᵀa for i = t, ..., 1, seeded with
 * a = ∇_s E and g = ∇₂E. The Jacobians are taken along the trajectory (at s_{i-1}, not at s_t, which is what
 * distinguishes ITD from AID-FP).
 *
 * <p>Memory: the whole trajectory s₀, ..., s_t is stored (O(t·d)); each backward step re-evaluates Ψ to
 * linearize it (hypertorch's {@code reverse}), so the cost is 2t map evaluations and t VJPs. With
 * {@link Builder#keepTape(boolean)} the forward pass records every step's linearization instead (t map evaluations,
 * but the memory of every step's intermediate values). For bounded memory use {@link CheckpointedItdEstimator}.
 * A tolerance in the inner budget stops the forward pass early; the gradient is then that of the steps taken.
 *
 * <p>Theorem 2.1: with Picard steps on a q-contraction from w₀ = 0, ‖∇f_t - ∇f‖ ≤
 * (c₁ + c₂t/q + c₃) q^t; the estimate reports this bound when the problem's constants are known.
 */
public final class ItdEstimator implements HypergradientEstimator {
    private final InnerPhase phase;
    private final boolean keepTape;
    private final boolean strict;

    private ItdEstimator(Builder b) {
        this.phase = b.phase;
        this.keepTape = b.keepTape;
        this.strict = b.strict;
    }

    /** @return a builder: t = 10 Picard steps, trajectory storage, no warm start, not strict */
    public static Builder builder() {
        return new Builder();
    }

    /** @param t inner steps @return ITD through exactly t Picard steps */
    public static ItdEstimator reverse(int t) {
        return builder().inner(InnerPhase.picard(t)).build();
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator step = Instrumentation.counting(phase.solver().stepMap(problem), counter);
        Tensor w0 = phase.start(problem, outer, previous);
        problem.checkShapes(w0, outer);
        List<Tensor> states = new ArrayList<>();
        List<Linearization> tape = new ArrayList<>();
        Tensor s = phase.solver().initialState(problem, w0);
        states.add(s);
        boolean converged = false;
        for (int i = 1; i <= phase.budget().maxIterations() && !converged; i++) {
            Tensor next;
            if (keepTape) {
                Linearization lin = step.linearize(s, outer);
                tape.add(lin);
                next = lin.value();
            } else {
                next = step.apply(s, outer);
            }
            if (ReverseSweep.diverged(phase, problem, next, w0)) {
                return ReverseSweep.diverged(name(), phase.solver(), outer, phase.solver().inner(problem, s), i,
                        counter, strict);
            }
            converged = ReverseSweep.converged(phase, problem, s, next);
            s = next;
            states.add(s);
        }
        int steps = states.size() - 1;
        Tensor wt = phase.solver().inner(problem, s);
        ValueAndPartials grad = Instrumentation.counting(problem.outerObjective(), counter).valueAndGradient(wt, outer);
        ReverseSweep.Adjoint adj = ReverseSweep.seed(problem, phase.solver(), grad, s);
        for (int i = steps; i >= 1; i--) {
            if (keepTape) {
                adj.through(tape.get(i - 1));
            } else {
                adj.through(step, states.get(i - 1), outer);
            }
        }
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        return ReverseSweep.finish(name(), problem, phi, phase, outer, w0, wt, grad, adj.outer, steps, true, converged,
                counter, strict, keepTape ? "tape kept" : "trajectory of " + states.size() + " states stored");
    }

    @Override
    public String name() {
        return "itd(t=" + phase.budget().maxIterations() + (phase.solver().name().equals("picard") ? ""
                : "," + phase.solver().name()) + ")";
    }

    /** Configures an {@link ItdEstimator}. */
    public static final class Builder {
        private InnerPhase phase = InnerPhase.picard(10);
        private boolean keepTape;
        private boolean strict;

        private Builder() {
        }

        /** @param innerPhase the inner solver, budget and warm-start setting @return this builder */
        public Builder inner(InnerPhase innerPhase) {
            this.phase = Objects.requireNonNull(innerPhase, "innerPhase");
            return this;
        }

        /** @param t exactly t inner steps @return this builder */
        public Builder innerSteps(int t) {
            this.phase = phase.withBudget(IterationBudget.exactly(t));
            return this;
        }

        /** @param enabled record linearizations in the forward pass instead of re-evaluating @return this builder */
        public Builder keepTape(boolean enabled) {
            this.keepTape = enabled;
            return this;
        }

        /** @param enabled start from the previous estimate's w_t @return this builder */
        public Builder warmStart(boolean enabled) {
            this.phase = phase.withWarmStart(enabled);
            return this;
        }

        /** @param enabled throw unless the inner iteration met its tolerance @return this builder */
        public Builder strict(boolean enabled) {
            this.strict = enabled;
            return this;
        }

        /** @return the estimator */
        public ItdEstimator build() {
            return new ItdEstimator(this);
        }
    }
}
