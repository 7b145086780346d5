package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/** What the gradient-based inner solvers need of a problem: the optimization form, and curvature bounds. */
final class OptimizationForm {
    private OptimizationForm() {
    }

    static OptimizationBilevelProblem require(BilevelProblem problem, String solver) {
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
}
