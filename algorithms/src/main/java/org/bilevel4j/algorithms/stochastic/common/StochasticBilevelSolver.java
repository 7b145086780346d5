package org.bilevel4j.algorithms.stochastic.common;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Runs a {@link SingleLoopMethod} on a {@link FiniteSumBilevelProblem}. One iteration t = 0, 1, …: draw an inner
 * batch and an outer batch from the two independent streams of the {@link Sampling}, perform the method's joint
 * step, check that w, v and λ are finite, call the listeners. The run stops at the first of: the iteration budget,
 * the oracle budget (total per-sample calls, checked before each iteration, so the last iteration may pass it), the
 * wall-time budget (status {@link Status#BUDGET_EXHAUSTED}), or a non-finite iterate (status
 * {@link Status#DIVERGED}, with the iteration). It never reports {@link Status#CONVERGED}. Immutable; thread-safe
 * if its listeners are.
 */
public final class StochasticBilevelSolver {
    private final SingleLoopMethod method;
    private final Sampling sampling;
    private final long maxIterations;
    private final long maxOracleCalls;
    private final Duration maxWallTime;
    private final Projection projection;
    private final List<StochasticIterationListener> listeners;

    private StochasticBilevelSolver(Builder b) {
        this.method = b.method;
        this.sampling = b.sampling;
        this.maxIterations = b.maxIterations;
        this.maxOracleCalls = b.maxOracleCalls;
        this.maxWallTime = b.maxWallTime;
        this.projection = b.projection;
        this.listeners = List.copyOf(b.listeners);
    }

    /**
     * @param method   the method
     * @param sampling the sampling scheme, batch sizes and seed
     * @return a builder (iteration budget required)
     */
    public static Builder builder(SingleLoopMethod method, Sampling sampling) {
        return new Builder(method, sampling);
    }

    /** @return the method */
    public SingleLoopMethod method() {
        return method;
    }

    /**
     * @param problem the problem
     * @param outer   λ₀; the run starts from (w, v) = (0, 0)
     * @return the result
     */
    public StochasticResult solve(FiniteSumBilevelProblem problem, Tensor outer) {
        return solve(problem, BilevelState.start(problem, outer));
    }

    /**
     * @param problem the problem
     * @param initial (w₀, v₀, λ₀), finite and of the problem's shapes
     * @return the result
     * @throws IllegalArgumentException naming the argument with a wrong shape, a non-finite value, or a batch size
     *                                  above its sample count
     */
    public StochasticResult solve(FiniteSumBilevelProblem problem, BilevelState initial) {
        Objects.requireNonNull(problem, "problem");
        Objects.requireNonNull(initial, "initial");
        if (!initial.inner().shape().equals(problem.innerShape())) {
            throw new IllegalArgumentException("initial.inner: expected the problem's inner shape "
                    + problem.innerShape() + ", got " + initial.inner().shape());
        }
        if (!initial.outer().shape().equals(problem.outerShape())) {
            throw new IllegalArgumentException("initial.outer: expected the problem's outer shape "
                    + problem.outerShape() + ", got " + initial.outer().shape());
        }
        String bad = initial.firstNonFinite();
        if (bad != null) {
            throw new IllegalArgumentException("initial: expected finite values, " + bad + " is not finite");
        }
        Sampling.Samplers samplers = sampling.samplers(problem.innerSampleCount(), problem.outerSampleCount());
        StochasticOracles oracles = new StochasticOracles(problem);
        BilevelState start = new BilevelState(initial.inner(), initial.adjoint(), projection.project(initial.outer()));
        SingleLoopMethod.Iteration iteration = method.start(
                new SingleLoopMethod.Context(oracles, start, projection, samplers));
        long t0 = System.nanoTime();
        long wallLimit = maxWallTime == null ? Long.MAX_VALUE : maxWallTime.toNanos();
        BilevelState state = iteration.state();
        long t = 0;
        while (true) {
            long elapsed = System.nanoTime() - t0;
            String budget = t >= maxIterations ? "iteration budget (" + maxIterations + ")"
                    : oracles.counts().total() >= maxOracleCalls ? "oracle budget (" + maxOracleCalls + ")"
                    : elapsed >= wallLimit ? "wall-time budget (" + maxWallTime + ")" : null;
            if (budget != null) {
                return new StochasticResult(state, Status.BUDGET_EXHAUSTED, t, oracles.counts(), elapsed, -1, budget);
            }
            BilevelState next = iteration.step(t, samplers.inner().next(), samplers.outer().next());
            t++;
            String nonFinite = next.firstNonFinite();
            if (nonFinite != null) {
                return new StochasticResult(state, Status.DIVERGED, t, oracles.counts(), System.nanoTime() - t0, t,
                        nonFinite + " became non-finite at iteration " + t);
            }
            state = next;
            if (!listeners.isEmpty()) {
                StochasticIteration record = new StochasticIteration(t, state, oracles.counts(),
                        System.nanoTime() - t0);
                for (StochasticIterationListener l : listeners) {
                    l.onIteration(record);
                }
            }
        }
    }

    /** Builder of {@link StochasticBilevelSolver}. */
    public static final class Builder {
        private final SingleLoopMethod method;
        private final Sampling sampling;
        private long maxIterations = -1;
        private long maxOracleCalls = Long.MAX_VALUE;
        private Duration maxWallTime;
        private Projection projection = Projection.none();
        private final List<StochasticIterationListener> listeners = new ArrayList<>();

        private Builder(SingleLoopMethod method, Sampling sampling) {
            this.method = Objects.requireNonNull(method, "method");
            this.sampling = Objects.requireNonNull(sampling, "sampling");
        }

        /**
         * @param iterations the iteration budget T ≥ 1 (required)
         * @return this
         */
        public Builder maxIterations(long iterations) {
            if (iterations < 1) {
                throw new IllegalArgumentException("maxIterations: expected at least 1, got " + iterations);
            }
            this.maxIterations = iterations;
            return this;
        }

        /**
         * @param calls the oracle budget in per-sample units (≥ 1)
         * @return this
         */
        public Builder maxOracleCalls(long calls) {
            if (calls < 1) {
                throw new IllegalArgumentException("maxOracleCalls: expected at least 1, got " + calls);
            }
            this.maxOracleCalls = calls;
            return this;
        }

        /**
         * @param time the wall-time budget (positive)
         * @return this
         */
        public Builder maxWallTime(Duration time) {
            Objects.requireNonNull(time, "maxWallTime");
            if (time.isNegative() || time.isZero()) {
                throw new IllegalArgumentException("maxWallTime: expected a positive duration, got " + time);
            }
            this.maxWallTime = time;
            return this;
        }

        /**
         * @param p the projection of λ after each step
         * @return this
         */
        public Builder projection(Projection p) {
            this.projection = Objects.requireNonNull(p, "projection");
            return this;
        }

        /**
         * @param listener called after every iteration
         * @return this
         */
        public Builder listener(StochasticIterationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @return the solver */
        public StochasticBilevelSolver build() {
            if (maxIterations < 1) {
                throw new IllegalStateException("maxIterations: an iteration budget is required");
            }
            return new StochasticBilevelSolver(this);
        }
    }
}
