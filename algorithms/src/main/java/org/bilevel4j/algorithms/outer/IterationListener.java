package org.bilevel4j.algorithms.outer;

/** Receives every outer iteration's diagnostics (progress bars, logs, plots). Called on the solving thread. */
@FunctionalInterface
public interface IterationListener {
    /**
     * @param iteration the finished iteration
     */
    void onIteration(OuterIteration iteration);
}
