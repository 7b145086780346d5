package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/** The (w, w_prev) state of the momentum methods, stored as one flat vector, and their shared checks. */
final class MomentumState {
    private MomentumState() {
    }

    /** Validates explicit momentum-method constants: step a &gt; 0, momentum b in [0, 1). */
    static void requireConstants(double step, double momentum) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum: expected a value in [0, 1), got " + momentum);
        }
    }

    static OptimizationBilevelProblem requireOptimization(BilevelProblem problem, String solver) {
        if (problem instanceof OptimizationBilevelProblem p) {
            return p;
        }
        throw new UnsupportedCapabilityException("problem: " + solver + " needs the gradient of an inner objective; "
                + "the problem is in fixed-point form only (use PicardIteration)");
    }

    static CurvatureBounds curvature(OptimizationBilevelProblem p, Tensor outer, String solver) {
        return p.curvature(outer).orElseThrow(() -> new UnsupportedCapabilityException("problem: " + solver
                + " with optimal constants needs curvature bounds (mu, L) of the inner objective; build the problem "
                + "with BilevelProblem.optimization(..., curvature) or give the constants explicitly"));
    }

    static BivariateMap gradient(OptimizationBilevelProblem p) {
        return p.innerObjective().innerGradientMap();
    }

    static Tensor pack(Tensor w, Tensor previous) {
        return Tensor.concat(0, w.flatten(), previous.flatten());
    }

    static Tensor current(BilevelProblem p, Tensor state) {
        int m = p.innerShape().size();
        return state.slice(0, 0, m).reshape(p.innerShape());
    }

    static Tensor previous(BilevelProblem p, Tensor state) {
        int m = p.innerShape().size();
        return state.slice(0, m, 2 * m).reshape(p.innerShape());
    }
}
