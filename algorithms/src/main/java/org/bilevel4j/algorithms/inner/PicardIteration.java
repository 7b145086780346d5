package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Picard (fixed-point) iteration w_i = Φ(w_{i-1}, λ) of the problem's own inner map (Algorithm 1,
 * step 1, of Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020).
 * For the optimization form, Φ is the gradient step with the problem's step size, so this is gradient
 * descent; with the optimal step 2/(μ + L) it converges as q^t with q = (κ - 1)/(κ + 1).
 */
public final class PicardIteration implements InnerSolver {

    @Override
    public FixedPointOperator stepMap(BilevelProblem problem) {
        return problem.innerMap();
    }

    @Override
    public Tensor initialState(BilevelProblem problem, Tensor inner0) {
        return inner0;
    }

    @Override
    public Tensor inner(BilevelProblem problem, Tensor state) {
        return state;
    }

    @Override
    public String name() {
        return "picard";
    }

    /** @return true: the step norms of a contraction decrease */
    @Override
    public boolean contracting() {
        return true;
    }
}
