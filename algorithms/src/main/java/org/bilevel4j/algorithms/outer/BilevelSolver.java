package org.bilevel4j.algorithms.outer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bilevel4j.algorithms.diagnostics.OracleCounts;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outer loop of bilevel optimization: projected (hyper)gradient iterations
 * λ_{i+1} = P_Λ(update(λ_i, ∇̂f(λ_i))), where ∇̂f comes from a {@link HypergradientEstimator}
 * and the update from an {@link OuterOptimizer} (gradient descent, momentum, Nesterov, Adam).
 *
 * <p>One iteration: one hypergradient estimate (warm-started from the previous one as far as the estimator
 * allows), one optimizer update, one projection, the listeners. Stopping rule: CONVERGED only when stationarity
 * is certified — the last estimate is {@link HypergradientEstimate#isCertified() certified} (it converged and carries
 * a proven error bound) and its norm plus its error bound is below the tolerance, so that ‖∇f(λ)‖ itself is; a
 * small but uncertified estimate does not stop the run (it is counted in the message). Otherwise the iteration or
 * time budget ends it (BUDGET_EXHAUSTED), or an estimate diverges or breaks down, in which case λ is not updated
 * with it and the run stops with that status. Estimates that did not converge (budget exhausted) are used, counted
 * and reported in the result's message.
 *
 * <p>The solver is immutable; {@link #solve} may run concurrently on different problems.
 */
public final class BilevelSolver {
    private static final Logger LOG = LoggerFactory.getLogger(BilevelSolver.class);

    private final HypergradientEstimator estimator;
    private final OuterOptimizer optimizer;
    private final Projection projection;
    private final int maxIterations;
    private final double gradientTolerance;
    private final long maxNanos;
    private final List<IterationListener> listeners;

    private BilevelSolver(Builder b) {
        this.estimator = b.estimator;
        this.optimizer = b.optimizer;
        this.projection = b.projection;
        this.maxIterations = b.maxIterations;
        this.gradientTolerance = b.gradientTolerance;
        this.maxNanos = b.maxNanos;
        this.listeners = List.copyOf(b.listeners);
    }

    /**
     * @param estimator the hypergradient estimator
     * @param optimizer the outer update rule
     * @return a builder (100 iterations, no projection, no tolerance, no time limit)
     */
    public static Builder builder(HypergradientEstimator estimator, OuterOptimizer optimizer) {
        return new Builder(estimator, optimizer);
    }

    /**
     * @param problem the problem
     * @param outer0  the starting λ (projected first); not modified
     * @return the final λ, the history and the status
     */
    public BilevelResult solve(BilevelProblem problem, Tensor outer0) {
        Objects.requireNonNull(problem, "problem");
        problem.checkShapes(problem.initialInner(outer0), outer0);
        outer0.requireFinite("outer0");
        long start = System.nanoTime();
        Tensor outer = projection.project(outer0);
        OuterOptimizer.Run run = optimizer.start(outer);
        List<IterationRecord> history = new ArrayList<>();
        OracleCounts total = OracleCounts.ZERO;
        HypergradientEstimate previous = null;
        int uncertified = 0;
        int smallButUncertified = 0;
        for (int i = 1; i <= maxIterations; i++) {
            HypergradientEstimate e = estimator.estimate(problem, outer, previous);
            total = total.plus(e.counts());
            if (e.status().isFailure()) {
                return done(outer, e, history, e.status(), i - 1, total, start, "stopped at iteration " + i + ": "
                        + e.method() + " " + e.status() + " (" + e.message() + "); lambda kept from the previous step");
            }
            if (e.status() != Status.CONVERGED) {
                uncertified++;
            }
            Tensor next = projection.project(run.update(outer, e.hypergradient()));
            if (!next.isFinite()) {
                return done(outer, e, history, Status.DIVERGED, i, total, start, "lambda became non-finite at "
                        + "iteration " + i + " (step size too large?)");
            }
            OuterIteration it = new OuterIteration(i, outer, next, e, System.nanoTime() - start);
            history.add(IterationRecord.of(it));
            for (IterationListener l : listeners) {
                l.onIteration(it);
            }
            outer = next;
            previous = e;
            double norm = it.hypergradientNorm();
            if (gradientTolerance > 0 && norm <= gradientTolerance) {
                double bound = e.bound().hypergradientError();
                if (e.isCertified() && norm + bound <= gradientTolerance) {
                    return done(outer, e, history, Status.CONVERGED, i, total, start, "certified: |estimate| "
                            + norm + " + error bound " + bound + " <= " + gradientTolerance + note(uncertified, i));
                }
                smallButUncertified++;
            }
            if (System.nanoTime() - start > maxNanos) {
                return done(outer, e, history, Status.BUDGET_EXHAUSTED, i, total, start,
                        "time budget used after " + i + " iterations" + note(uncertified, i)
                                + small(smallButUncertified));
            }
        }
        return done(outer, previous, history, Status.BUDGET_EXHAUSTED, maxIterations, total, start,
                "budget of " + maxIterations + " iterations used" + note(uncertified, maxIterations)
                        + small(smallButUncertified));
    }

    private String small(int count) {
        return count == 0 ? "" : "; at " + count + " iterations the estimate's norm was below the tolerance "
                + gradientTolerance + ", but stationarity was not certified (the estimate did not converge, or no "
                + "proven error bound kept |estimate| + bound below the tolerance)";
    }

    private static String note(int uncertified, int iterations) {
        return uncertified == 0 ? "" : "; " + uncertified + " of " + iterations
                + " estimates did not meet their inner/adjoint tolerance (fixed budgets)";
    }

    private BilevelResult done(Tensor outer, HypergradientEstimate last, List<IterationRecord> history, Status status,
            int iterations, OracleCounts total, long start, String message) {
        BilevelResult r = new BilevelResult(outer, last, List.copyOf(history), status, iterations, total,
                System.nanoTime() - start, message);
        if (status.isFailure()) {
            LOG.warn("bilevel run with {} and {}: {}", estimator.name(), optimizer.name(), message);
        } else {
            LOG.info("bilevel run with {} and {}: {} ({})", estimator.name(), optimizer.name(), status, message);
        }
        return r;
    }

    /** Configures a {@link BilevelSolver}. */
    public static final class Builder {
        private final HypergradientEstimator estimator;
        private final OuterOptimizer optimizer;
        private Projection projection = Projection.none();
        private int maxIterations = 100;
        private double gradientTolerance = 0;
        private long maxNanos = Long.MAX_VALUE;
        private final List<IterationListener> listeners = new ArrayList<>();

        private Builder(HypergradientEstimator estimator, OuterOptimizer optimizer) {
            this.estimator = Objects.requireNonNull(estimator, "estimator");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** @param p projection onto Λ after every step @return this builder */
        public Builder projection(Projection p) {
            this.projection = Objects.requireNonNull(p, "projection");
            return this;
        }

        /** @param n the outer iteration budget, ≥ 1 @return this builder */
        public Builder maxIterations(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxIterations: expected >= 1, got " + n);
            }
            this.maxIterations = n;
            return this;
        }

        /**
         * @param tolerance stop with CONVERGED when a certified estimate has ‖estimate‖ + error bound ≤ tolerance,
         *                  ≥ 0 (0, the default: never stop on it)
         * @return this builder
         */
        public Builder gradientTolerance(double tolerance) {
            if (!(tolerance >= 0)) {
                throw new IllegalArgumentException("tolerance: expected >= 0, got " + tolerance);
            }
            this.gradientTolerance = tolerance;
            return this;
        }

        /** @param seconds wall-time budget, &gt; 0 @return this builder */
        public Builder maxSeconds(double seconds) {
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("seconds: expected > 0, got " + seconds);
            }
            this.maxNanos = (long) Math.min(Long.MAX_VALUE, seconds * 1e9);
            return this;
        }

        /** @param listener called after every iteration @return this builder */
        public Builder listener(IterationListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @return the solver */
        public BilevelSolver build() {
            return new BilevelSolver(this);
        }
    }
}
