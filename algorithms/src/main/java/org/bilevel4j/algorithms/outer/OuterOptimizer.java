package org.bilevel4j.algorithms.outer;

import org.bilevel4j.api.tensor.Tensor;

/**
 * An update rule for the outer variable &lambda; given hypergradient estimates. The optimizer itself is an immutable
 * configuration; {@link #start} creates the per-run state (momentum buffers, Adam moments).
 */
public interface OuterOptimizer {

    /** The mutable state of one run. */
    interface Run {
        /**
         * @param outer         the current &lambda;; not modified
         * @param hypergradient the estimate of &nabla;f(&lambda;); not modified
         * @return the next &lambda; (before projection)
         */
        Tensor update(Tensor outer, Tensor hypergradient);
    }

    /**
     * @param outer the starting &lambda;
     * @return a fresh run
     */
    Run start(Tensor outer);

    /** @return a short description, e.g. {@code "adam(lr=0.01)"} */
    String name();

    /**
     * @param step &zeta; &gt; 0
     * @return hypergradient descent &lambda; &larr; &lambda; - &zeta; g (seed 004 &sect;2.9)
     */
    static OuterOptimizer gradientDescent(double step) {
        return new MomentumOptimizer(step, 0, false);
    }

    /**
     * @param step     &zeta; &gt; 0
     * @param momentum &beta; in [0, 1)
     * @return heavy-ball momentum: m &larr; &beta;m + g, &lambda; &larr; &lambda; - &zeta;m
     */
    static OuterOptimizer momentum(double step, double momentum) {
        return new MomentumOptimizer(step, momentum, false);
    }

    /**
     * @param step     &zeta; &gt; 0
     * @param momentum &beta; in [0, 1)
     * @return Nesterov momentum (as in PyTorch's SGD): m &larr; &beta;m + g, &lambda; &larr; &lambda; - &zeta;(g + &beta;m); the
     *         outer optimizer of seed 004's equilibrium models
     */
    static OuterOptimizer nesterov(double step, double momentum) {
        return new MomentumOptimizer(step, momentum, true);
    }

    /**
     * @param step &zeta; &gt; 0
     * @return Adam with &beta;&#8321; = 0.9, &beta;&#8322; = 0.999, &epsilon; = 1e-8
     */
    static OuterOptimizer adam(double step) {
        return new AdamOptimizer(step, 0.9, 0.999, 1e-8);
    }

    /**
     * @param step  &zeta; &gt; 0
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps   &epsilon; &gt; 0
     * @return Adam (Kingma &amp; Ba, 2015) with bias correction
     */
    static OuterOptimizer adam(double step, double beta1, double beta2, double eps) {
        return new AdamOptimizer(step, beta1, beta2, eps);
    }
}
