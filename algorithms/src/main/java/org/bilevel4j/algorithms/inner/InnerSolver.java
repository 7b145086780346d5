package org.bilevel4j.algorithms.inner;

import java.util.Arrays;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Tensor;

/**
 * An iterative solver of the inner problem written as a fixed-point map on its state: one step is
 * s_i = Ψ(s_{i-1}, λ), and w_i = w(s_i) is the inner iterate. Picard iteration and gradient descent have
 * state w; heavy ball and Nesterov carry (w, w_prev). Because a step is a {@link FixedPointOperator}, iterative
 * differentiation (ITD) differentiates through exactly the iteration that produced w_t, and AID can run any
 * of them before solving its linear system at w_t. Every solver is warm-startable: the state is built from any
 * starting w₀.
 */
public interface InnerSolver {

    /** A step that grows the iterate by this factor over its start means divergence. */
    double DIVERGENCE_FACTOR = 1e12;

    /**
     * @param problem the bilevel problem
     * @return Ψ, the map of one step on the state
     */
    FixedPointOperator stepMap(BilevelProblem problem);

    /**
     * @param problem the problem
     * @param inner0  the starting inner iterate w₀ (a warm start, or the problem's initial point)
     * @return the starting state s₀
     */
    Tensor initialState(BilevelProblem problem, Tensor inner0);

    /**
     * @param problem the problem
     * @param state   a state
     * @return the inner iterate w held by the state, by tensor operations (so it can be differentiated)
     */
    Tensor inner(BilevelProblem problem, Tensor state);

    /** @return a short name, e.g. {@code "picard"}, {@code "heavy-ball"} */
    String name();

    /**
     * Runs the solver from w₀: at most {@code budget.maxIterations()} steps, stopping early once
     * ‖w_i - w_{i-1}‖ ≤ max(rtol max(‖w_i‖, ‖w_{i-1}‖), atol).
     *
     * @param problem the problem
     * @param outer   λ
     * @param inner0  w₀
     * @param budget  steps and tolerances
     * @return the final state and iterate, with the step history and a status
     */
    default InnerRun run(BilevelProblem problem, Tensor outer, Tensor inner0, IterationBudget budget) {
        return run(problem, stepMap(problem), outer, inner0, budget);
    }

    /**
     * As {@link #run(BilevelProblem, Tensor, Tensor, IterationBudget)} with a given (e.g. instrumented) step map.
     *
     * @param problem the problem
     * @param step    Ψ
     * @param outer   λ
     * @param inner0  w₀
     * @param budget  steps and tolerances
     * @return the run
     */
    default InnerRun run(BilevelProblem problem, FixedPointOperator step, Tensor outer, Tensor inner0,
            IterationBudget budget) {
        Tensor state = initialState(problem, inner0);
        Tensor w = inner0;
        double start = Math.max(w.normValue(), 1.0);
        double[] steps = new double[budget.maxIterations()];
        for (int i = 1; i <= budget.maxIterations(); i++) {
            state = step.apply(state, outer);
            Tensor next = inner(problem, state);
            double norm = next.sub(w).normValue();
            double scale = Math.max(next.normValue(), w.normValue());
            steps[i - 1] = norm;
            w = next;
            if (!Double.isFinite(norm) || scale > DIVERGENCE_FACTOR * start) {
                return new InnerRun(state, w, i, Arrays.copyOf(steps, i), Status.DIVERGED);
            }
            if (budget.hasTolerance() && norm <= budget.threshold(scale)) {
                return new InnerRun(state, w, i, Arrays.copyOf(steps, i), Status.CONVERGED);
            }
        }
        return new InnerRun(state, w, budget.maxIterations(), steps, Status.BUDGET_EXHAUSTED);
    }
}
