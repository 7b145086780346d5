package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Picard (fixed-point) iteration w_i = &Phi;(w_{i-1}, &lambda;) of the problem's own inner map (seed 004, Algorithm 1,
 * step 1). For the optimization form, &Phi; is the gradient step with the problem's step size, so this is gradient
 * descent; with the optimal step 2/(&mu; + L) it converges as q^t with q = (&kappa; - 1)/(&kappa; + 1).
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
}
