package org.bilevel4j.algorithms.inner;

import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Gradient descent w_i = w_{i-1} - α ∇_w g(w_{i-1}, λ) on the inner objective of an optimization-form
 * problem, with a step of its own: a fixed α, or the optimal α(λ) = 2/(μ + L) of eq. (6) of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, from the
 * problem's curvature bounds, for which the iteration is a contraction with q = (κ - 1)/(κ + 1).
 */
public final class GradientDescentIteration implements InnerSolver {
    private final double step;

    private GradientDescentIteration(double step) {
        this.step = step;
    }

    /** @return gradient descent with the optimal step 2/(μ(λ) + L(λ)) (needs curvature bounds) */
    public static GradientDescentIteration optimalStep() {
        return new GradientDescentIteration(Double.NaN);
    }

    /**
     * @param step α &gt; 0 (a contraction when α &lt; 2/L)
     * @return gradient descent with that step
     */
    public static GradientDescentIteration withStep(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        return new GradientDescentIteration(step);
    }

    @Override
    public FixedPointOperator stepMap(BilevelProblem problem) {
        OptimizationBilevelProblem p = OptimizationForm.require(problem, name());
        if (Double.isNaN(step)) {
            return GradientStepMap.optimal(p.innerObjective(), l -> OptimizationForm.curvature(p, l, name()));
        }
        return GradientStepMap.withStep(p.innerObjective(), step);
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
        return Double.isNaN(step) ? "gd(optimal)" : "gd(" + step + ")";
    }

    /** @return true: the step norms of a contraction decrease */
    @Override
    public boolean contracting() {
        return true;
    }
}
