package org.bilevel4j.algorithms.itd;

import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.OracleCounter;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.Certification;
import org.bilevel4j.algorithms.hypergradient.ErrorBound;
import org.bilevel4j.algorithms.hypergradient.ErrorBounds;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.hypergradient.InnerPhase;
import org.bilevel4j.algorithms.hypergradient.Instrumentation;
import org.bilevel4j.algorithms.hypergradient.ItdDiagnostics;
import org.bilevel4j.algorithms.inner.InnerRun;
import org.bilevel4j.algorithms.inner.InnerStep;
import org.bilevel4j.algorithms.inner.PicardIteration;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.error.NonFiniteValueException;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Iterative differentiation (ITD): run t steps s_i = Ψ(s_{i-1}, λ) of an inner solver from s₀, then return the
 * exact derivative of f_t(λ) = E(w(s_t(λ)), λ) (Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of
 * Hypergradient Computation", ICML 2020, Algorithm 1). The Jacobians are taken along the trajectory (at s_{i-1}, not
 * at s_t, which is what distinguishes ITD from AID with the fixed-point solver). One estimator, six
 * {@link Mode modes} that compute the same derivative with different memory and time:
 * <ul>
 *   <li>{@link Mode#AUTO} (the default): {@link Mode#TAPE} when the tape fits a memory budget (a quarter of the
 *       maximum heap unless {@linkplain Builder#memoryBudget set}); above it {@link Mode#REVERSE} if the t + 1
 *       states of the trajectory fit, {@link Mode#CHECKPOINTED} if not. The first step is linearized and its
 *       retained bytes ({@link org.bilevel4j.api.map.Linearization#retainedBytes}) times the step budget t is the
 *       tape's estimate; a hand-written linearization that does not report its size is never taped. The choice,
 *       the estimate and the budget are stated in the estimate's {@link ItdDiagnostics};</li>
 *   <li>{@link Mode#REVERSE}: the backward recursion a ← ∂₁Ψ(s_{i-1}, λ)ᵀa, g ← g + ∂₂Ψ(s_{i-1}, λ)ᵀa for
 *       i = t, ..., 1 from a = ∇_s E, g = ∇₂E; stores the trajectory (O(t·d)) and re-linearizes each step on the
 *       way back: 2t map evaluations and t VJPs;</li>
 *   <li>{@link Mode#TAPE}: the same, recording every step's linearization in the forward pass: t map evaluations,
 *       every step's intermediate values kept;</li>
 *   <li>{@link Mode#CHECKPOINTED}: the same with bounded memory, every c-th state kept (c = ⌈√t⌉ by default) and
 *       each segment recomputed before the sweep goes through it: O(√t·d) memory, about 3t evaluations;</li>
 *   <li>{@link Mode#TRUNCATED}: truncated back-propagation through the last K steps only (Shaban, Cheng, Hatch,
 *       Boots, "Truncated Back-propagation for Bilevel Optimization", AISTATS 2019): O(K·d) memory, biased for
 *       K &lt; t;</li>
 *   <li>{@link Mode#FORWARD}: tangents Z = ds_i/dλ propagated forward, Z ← ∂₁Ψ Z + ∂₂Ψ (one JVP per coordinate of
 *       λ and per step): no trajectory, for low-dimensional λ; also gives w_t'(λ) ({@link #innerJacobian}).</li>
 * </ul>
 *
 * <p>The forward pass is {@link org.bilevel4j.algorithms.inner.InnerSolver#run}, the loop every estimator shares,
 * and its divergence rule applies. A tolerance in the inner budget stops it early once the iterate has converged
 * <em>and</em> the step norm has decayed below a tenth of the relative tolerance times the first step norm: the
 * derivative forgets its starting point at that rate (q^t for Picard iteration), however close a warm start was.
 * Status: CONVERGED only if the inner tolerance was met and the measured remainder (reverse: ‖a₀‖ against ‖a_t‖;
 * forward: the last change of the tangents against ‖Z_t‖, see {@link ItdDiagnostics}) is below the relative
 * tolerance; otherwise BUDGET_EXHAUSTED, with the explanation in the message.
 *
 * <p>Theorem 2.1: with Picard steps on a q-contraction, ‖∇f_t - ∇f‖ ≤ (c₁ + c₂t/q + c₃) q^t; the estimate
 * reports this bound when the problem's constants are known (not for truncated back-propagation).
 */
public final class ItdEstimator implements HypergradientEstimator {
    /** The forward pass runs until the step norm has decayed this much below the derivative's tolerance. */
    private static final double DECAY_MARGIN = 0.1;

    /** How the derivative is computed; every mode gives the same value but {@link #TRUNCATED} with K &lt; t. */
    public enum Mode {
        /** Reverse mode: the tape if it fits the memory budget, else the trajectory or checkpoints (the default). */
        AUTO,
        /** Reverse mode, trajectory stored, steps re-linearized on the way back. */
        REVERSE,
        /** Reverse mode, linearizations recorded in the forward pass. */
        TAPE,
        /** Reverse mode with one level of checkpoints. */
        CHECKPOINTED,
        /** Reverse mode through the last K steps only. */
        TRUNCATED,
        /** Forward mode, one tangent per coordinate of λ. */
        FORWARD
    }

    private final InnerPhase phase;
    private final Mode mode;
    private final int checkpointInterval;
    private final int truncation;
    private final boolean strict;
    private final long memoryBudget;

    private ItdEstimator(Builder b) {
        this.memoryBudget = b.memoryBudget;
        this.phase = b.phase;
        this.mode = b.mode;
        this.checkpointInterval = b.checkpointInterval;
        this.truncation = b.truncation;
        this.strict = b.strict;
    }

    /** @return a builder: automatic reverse mode, t = 10 Picard steps, no warm start, not strict */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param t inner steps
     * @return ITD in reverse mode through exactly t Picard steps, the tape kept if it fits the default memory budget
     *         ({@link Mode#AUTO})
     */
    public static ItdEstimator reverse(int t) {
        return builder().innerSteps(t).build();
    }

    /** @param t inner steps @return checkpointed ITD through t Picard steps, checkpoints every ⌈√t⌉ */
    public static ItdEstimator checkpointed(int t) {
        return builder().innerSteps(t).checkpointed(0).build();
    }

    /** @param t inner steps @param k steps to differentiate through @return truncated ITD with Picard steps */
    public static ItdEstimator truncated(int t, int k) {
        return builder().innerSteps(t).truncated(k).build();
    }

    /** @param t inner steps @return forward-mode ITD through t Picard steps */
    public static ItdEstimator forward(int t) {
        return builder().innerSteps(t).mode(Mode.FORWARD).build();
    }

    /** @return the mode */
    public Mode mode() {
        return mode;
    }

    /** @return the steps between checkpoints for this estimator's budget (checkpointed mode) */
    public int checkpointInterval() {
        int t = phase.budget().maxIterations();
        return checkpointInterval > 0 ? checkpointInterval : Math.max(1, (int) Math.ceil(Math.sqrt(t)));
    }

    /** @return the memory budget of {@link Mode#AUTO} in bytes: the one set, or a quarter of the maximum heap */
    public long memoryBudget() {
        return memoryBudget >= 0 ? memoryBudget : Runtime.getRuntime().maxMemory() / 4;
    }

    private Sweep sweep(BilevelProblem problem, FixedPointOperator step, Tensor outer, Tensor state0) {
        return switch (mode) {
            case AUTO -> ReverseSweeps.automatic(problem, phase.solver(), step, outer, phase.budget().maxIterations(),
                    memoryBudget(), checkpointInterval());
            case REVERSE -> ReverseSweeps.trajectory(problem, phase.solver(), step, outer);
            case TAPE -> ReverseSweeps.tape(problem, phase.solver(), step, outer);
            case CHECKPOINTED -> ReverseSweeps.checkpointed(problem, phase.solver(), step, outer, checkpointInterval());
            case TRUNCATED -> ReverseSweeps.truncated(problem, phase.solver(), step, outer, truncation);
            case FORWARD -> new ForwardSweep(problem, phase.solver(), step, outer, state0);
        };
    }

    @Override
    public HypergradientEstimate estimate(BilevelProblem problem, Tensor outer, HypergradientEstimate previous) {
        OracleCounter counter = new OracleCounter();
        FixedPointOperator step = Instrumentation.counting(phase.solver().stepMap(problem), counter);
        Tensor w0 = phase.start(problem, outer, previous);
        problem.checkShapes(w0, outer);
        Sweep sweep = sweep(problem, step, outer, phase.solver().initialState(problem, w0));
        double decay = derivativeTolerance(w0);
        InnerRun run = phase.solver().run(problem, w0, phase.budget(), new InnerStep() {
            @Override
            public Tensor next(int i, Tensor state) {
                return sweep.next(i, state);
            }

            @Override
            public boolean mayStop(double stepNorm, double firstStepNorm) {
                // the remainder decays like the step norms relative to the first one (q^t for Picard iteration)
                return stepNorm <= DECAY_MARGIN * decay * firstStepNorm;
            }
        });
        if (run.status() == Status.DIVERGED) {
            return Certification.finish(HypergradientEstimate.diverged(name(), outer, run.inner(), run.iterations(),
                    counter.snapshot(), run.message()), strict);
        }
        int steps = run.iterations();
        Tensor wt = run.inner();
        ValueAndPartials grad = Instrumentation.counting(problem.outerObjective(), counter).valueAndGradient(wt, outer);
        Sweep.Result result = sweep.backward(run.state(), grad, steps);
        FixedPointOperator phi = Instrumentation.counting(problem.innerMap(), counter);
        Tensor phiWt = phi.apply(wt, outer);
        double innerResidual = wt.sub(phiWt).normValue();

        boolean remainderMet = phase.budget().hasTolerance() && result.remainder() <= decay * result.remainderScale();
        // the budget may run out while the derivative decays, with the iterate long converged
        boolean innerMet = run.status() == Status.CONVERGED || (phase.budget().hasTolerance()
                && run.lastStepNorm() <= phase.budget().threshold(wt.normValue()));
        Status status = innerMet && remainderMet ? Status.CONVERGED : Status.BUDGET_EXHAUSTED;
        boolean complete = result.stepsDifferentiated() == steps;
        ErrorBound bound = complete
                ? ErrorBounds.itd(problem, outer, steps, w0, wt, innerResidual + ErrorBounds.rounding(outer, wt)
                        * (wt.normValue() + phiWt.normValue()), phase.solver() instanceof PicardIteration,
                        grad.outer().normValue() + result.remainderScale())
                : ErrorBound.unavailable("truncated back-propagation: Theorem 2.1 does not apply");
        String message = "differentiated through " + result.stepsDifferentiated() + " of " + steps + " steps of "
                + phase.solver().name() + " (" + run.status() + ": " + run.message() + "); remainder "
                + result.remainder() + " of " + result.remainderScale()
                + (innerMet && !remainderMet
                        ? " above the tolerance: the derivative still depends on the starting point (a warm start "
                                + "or too few steps differentiated), so it is not certified"
                        : "")
                + "; " + sweep.storage();
        ItdDiagnostics diagnostics = new ItdDiagnostics(steps, result.stepsDifferentiated(), result.remainder(),
                result.remainderScale(), sweep.storage(), sweep.kept(), sweep.retainedBytes(), sweep.memoryBudget());
        return Certification.finish(HypergradientEstimate.builder(name(), result.hypergradient(), wt)
                .outerValue(grad.value().item()).innerResidual(innerResidual).innerIterations(steps)
                .diagnostics(diagnostics).counts(counter.snapshot()).status(status).bound(bound).message(message)
                .build(), strict);
    }

    /**
     * w_t'(λ), the Jacobian of the inner iterate after this estimator's inner steps from the problem's initial
     * point (the quantity of Proposition 2.1 of Grazzi et al.), by forward propagation whatever the mode.
     *
     * @param problem the problem
     * @param outer   λ
     * @return the Jacobian as a matrix [size of w, size of λ]
     * @throws NonFiniteValueException if the inner iteration diverges
     */
    public Tensor innerJacobian(BilevelProblem problem, Tensor outer) {
        Tensor w0 = problem.initialInner(outer);
        FixedPointOperator step = phase.solver().stepMap(problem);
        ForwardSweep sweep = new ForwardSweep(problem, phase.solver(), step, outer,
                phase.solver().initialState(problem, w0));
        InnerRun run = phase.solver().run(problem, w0, phase.budget(), sweep);
        if (run.status() == Status.DIVERGED) {
            throw new NonFiniteValueException("outer: " + run.message() + "; w_t'(lambda) does not exist there");
        }
        return sweep.innerJacobian(run.state());
    }

    /**
     * @return the relative tolerance of the derivative: the budget's relative tolerance, or its absolute tolerance
     *         relative to max(‖w₀‖, 1) when only that is set
     */
    private double derivativeTolerance(Tensor w0) {
        IterationBudget budget = phase.budget();
        return budget.relativeTolerance() > 0 ? budget.relativeTolerance()
                : budget.absoluteTolerance() / Math.max(w0.normValue(), 1.0);
    }

    @Override
    public String name() {
        int t = phase.budget().maxIterations();
        String solver = phase.solver().name().equals("picard") ? "" : "," + phase.solver().name();
        return switch (mode) {
            case AUTO -> "itd(t=" + t + solver + ")";
            case REVERSE -> "itd-trajectory(t=" + t + solver + ")";
            case TAPE -> "itd-tape(t=" + t + solver + ")";
            case CHECKPOINTED -> "itd-checkpoint(t=" + t + ",c=" + checkpointInterval() + solver + ")";
            case TRUNCATED -> "itd-truncated(t=" + t + ",K=" + truncation + solver + ")";
            case FORWARD -> "itd-forward(t=" + t + solver + ")";
        };
    }

    /** Configures an {@link ItdEstimator}. */
    public static final class Builder {
        private InnerPhase phase = InnerPhase.picard(10);
        private Mode mode = Mode.AUTO;
        private long memoryBudget = -1;
        private int checkpointInterval;
        private int truncation = 1;
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

        /** @param m the mode ({@link #checkpointed} and {@link #truncated} also set their parameter) @return this */
        public Builder mode(Mode m) {
            this.mode = Objects.requireNonNull(m, "mode");
            return this;
        }

        /**
         * @param enabled always record linearizations in the forward pass ({@link Mode#TAPE}), or always store the
         *                trajectory and re-linearize ({@link Mode#REVERSE}); without this call the choice is made by
         *                the memory budget ({@link Mode#AUTO})
         * @return this builder
         */
        public Builder keepTape(boolean enabled) {
            return mode(enabled ? Mode.TAPE : Mode.REVERSE);
        }

        /**
         * @param bytes the memory {@link Mode#AUTO} may spend on what the forward pass keeps (the tape, else the
         *              trajectory), ≥ 0 (0: always checkpoints); without this call, a quarter of the maximum heap
         *              ({@link Runtime#maxMemory}) at the time of each estimate
         * @return this builder
         */
        public Builder memoryBudget(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes: expected a memory budget >= 0, got " + bytes);
            }
            this.memoryBudget = bytes;
            return this;
        }

        /** @param interval steps between checkpoints, ≥ 1, or 0 for ⌈√t⌉ @return this builder */
        public Builder checkpointed(int interval) {
            if (interval < 0) {
                throw new IllegalArgumentException("interval: expected >= 0 (0 for sqrt(t)), got " + interval);
            }
            this.checkpointInterval = interval;
            return mode(Mode.CHECKPOINTED);
        }

        /** @param k K ≥ 1, the last steps differentiated through @return this builder */
        public Builder truncated(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("k: expected K >= 1, got " + k);
            }
            this.truncation = k;
            return mode(Mode.TRUNCATED);
        }

        /** @param enabled start from the previous estimate's w_t @return this builder */
        public Builder warmStart(boolean enabled) {
            this.phase = phase.withWarmStart(enabled);
            return this;
        }

        /** @param enabled throw unless the estimate is CONVERGED @return this builder */
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
