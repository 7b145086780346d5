package org.bilevel4j.algorithms.outer;

import org.bilevel4j.api.tensor.Tensor;

/**
 * An update rule for the outer variable λ given hypergradient estimates. The optimizer itself is an immutable
 * configuration; {@link #start} creates the per-run state (momentum buffers, Adam moments).
 */
public interface OuterOptimizer {

    /** The mutable state of one run. */
    interface Run {
        /**
         * @param outer         the current λ; not modified
         * @param hypergradient the estimate of ∇f(λ); not modified
         * @return the next λ (before projection)
         */
        Tensor update(Tensor outer, Tensor hypergradient);
    }

    /**
     * @param outer the starting λ
     * @return a fresh run
     */
    Run start(Tensor outer);

    /** @return a short description, e.g. {@code "adam(lr=0.01)"} */
    String name();

    /**
     * @param step ζ &gt; 0
     * @return hypergradient descent λ ← λ - ζ g, as in Section 3.2 and Appendix C.2 of
     *         Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020
     */
    static OuterOptimizer gradientDescent(double step) {
        return new MomentumOptimizer(step, 0, false);
    }

    /**
     * @param step     ζ &gt; 0
     * @param momentum β in [0, 1)
     * @return heavy-ball momentum: m ← βm + g, λ ← λ - ζm
     */
    static OuterOptimizer momentum(double step, double momentum) {
        return new MomentumOptimizer(step, momentum, false);
    }

    /**
     * @param step     ζ &gt; 0
     * @param momentum β in [0, 1)
     * @return Nesterov momentum (as in PyTorch's SGD): m ← βm + g, λ ← λ - ζ(g + βm); the
     *         outer optimizer of the equilibrium models of Grazzi et al. (2020), Section 3.2
     */
    static OuterOptimizer nesterov(double step, double momentum) {
        return new MomentumOptimizer(step, momentum, true);
    }

    /**
     * @param step ζ &gt; 0
     * @return Adam with β₁ = 0.9, β₂ = 0.999, ε = 1e-8
     */
    static OuterOptimizer adam(double step) {
        return new AdamOptimizer(step, 0.9, 0.999, 1e-8);
    }

    /**
     * @param step  ζ &gt; 0
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param eps   ε &gt; 0
     * @return Adam (Kingma, Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015) with bias correction
     */
    static OuterOptimizer adam(double step, double beta1, double beta2, double eps) {
        return new AdamOptimizer(step, beta1, beta2, eps);
    }
}
