package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;
import org.bilevel4j.algorithms.outer.Projection;

/**
 * A stochastic bilevel method as a joint step over the state (w, v, λ) and the method's memory, given explicit
 * inner and outer batches. The explicit batches let SOBA use one sample set for its gradient, HVP and cross product
 * and SRBA re-evaluate the same samples at the previous iterate. Methods are immutable configurations;
 * {@link #start} creates the per-run state. {@link StochasticBilevelSolver} drives the iteration.
 */
public interface SingleLoopMethod {

    /** @return a short description with the settings, e.g. {@code "SOBA(ρ=0.1, γ=0.01)"} */
    String name();

    /**
     * @param context the run's oracles, start, projection and samplers
     * @return a fresh iteration positioned at {@code context.initial()}
     * @throws IllegalArgumentException if the method cannot run with these samplers (SABA needs fixed blocks)
     */
    Iteration start(Context context);

    /** The mutable state of one run: the current iterate and the method's memory. */
    interface Iteration {

        /** @return the current (w, v, λ) */
        BilevelState state();

        /**
         * Performs iteration t.
         *
         * @param t     the 0-based iteration index (step sizes are taken at t)
         * @param inner the inner batch drawn for this iteration
         * @param outer the outer batch drawn for this iteration
         * @return the new state (also {@link #state()} from now on)
         */
        BilevelState step(long t, Batch inner, Batch outer);
    }

    /**
     * What a method needs to start.
     *
     * @param oracles    the counting oracles of the problem
     * @param initial    the starting (w₀, v₀, λ₀)
     * @param projection the projection of λ after each step (identity for unconstrained problems)
     * @param samplers   the run's samplers (for their batch sizes and block structure); a single-loop method uses
     *                   only the batches it is given, a method with inner loops (AmIGO) draws its further batches
     *                   from them, which keeps the run reproducible from the seed
     */
    record Context(StochasticOracles oracles, BilevelState initial, Projection projection,
            Sampling.Samplers samplers) {

        /** Checks the arguments. */
        public Context {
            Objects.requireNonNull(oracles, "oracles");
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(projection, "projection");
            Objects.requireNonNull(samplers, "samplers");
        }
    }
}
