package org.bilevel4j.algorithms.stochastic.common;

/** A per-iteration callback of {@link StochasticBilevelSolver}; it must not modify the state it sees. */
@FunctionalInterface
public interface StochasticIterationListener {

    /** @param iteration the iteration just performed */
    void onIteration(StochasticIteration iteration);
}
