package org.bilevel4j.algorithms.inner;

import java.util.Arrays;
import org.bilevel4j.algorithms.diagnostics.DivergenceMonitor;
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
     * @return true if the step norms of a healthy run decrease (a contraction: Picard iteration, gradient descent),
     *         so that a run whose step norm did not decrease is reported as DIVERGED; false for momentum methods,
     *         whose step norms may rise for a while
     */
    default boolean contracting() {
        return false;
    }

    /**
     * Runs the solver from w₀ with its own step map.
     *
     * @param problem the problem
     * @param outer   λ
     * @param inner0  w₀
     * @param budget  steps and tolerances
     * @return the final state and iterate, with the step history and a status
     * @see #run(BilevelProblem, Tensor, IterationBudget, InnerStep)
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
        return run(problem, inner0, budget, (i, s) -> step.apply(s, outer));
    }

    /**
     * The inner loop of every estimator: at most {@code budget.maxIterations()} steps s_i = step(i, s_{i-1}) from
     * s₀ = {@link #initialState}, stopping early once ‖w_i - w_{i-1}‖ ≤ max(rtol max(‖w_i‖, ‖w_{i-1}‖), atol)
     * (and the step's {@link InnerStep#mayStop} agrees), and with status DIVERGED by the rule of
     * {@link DivergenceMonitor} on the step norms (at once on non-finite values, on a step norm a million times the
     * first one or the rounding level of the first step's scale, or on an iterate whose norm overflows; at the end,
     * for a {@link #contracting()} solver whose step norm did not decrease).
     *
     * @param problem the problem
     * @param inner0  w₀
     * @param budget  steps and tolerances
     * @param step    how one step is computed (and recorded, for iterative differentiation)
     * @return the run
     */
    default InnerRun run(BilevelProblem problem, Tensor inner0, IterationBudget budget, InnerStep step) {
        Tensor state = initialState(problem, inner0);
        Tensor w = inner0;
        DivergenceMonitor monitor = new DivergenceMonitor(contracting());
        double[] norms = new double[Math.min(budget.maxIterations(), 1024)];
        double epsilon = 64 * inner0.dtype().epsilon();
        // the rounding level of a step norm, fixed at the scale of the first step: a floor that followed the
        // iterate would grow with a diverging iterate and hide its growth (in float32, until it overflowed)
        double growthFloor = Double.NaN;
        for (int i = 1; i <= budget.maxIterations(); i++) {
            Tensor nextState = step.next(i, state);
            Tensor next = inner(problem, nextState);
            double norm = next.sub(w).normValue();
            double scale = Math.max(next.normValue(), w.normValue());
            if (i > norms.length) {
                norms = Arrays.copyOf(norms, (int) Math.min(budget.maxIterations(), 2L * norms.length));
            }
            norms[i - 1] = norm;
            if (i == 1) {
                growthFloor = epsilon * Math.max(scale, 1.0);
            }
            String diverged = monitor.observe(norm, growthFloor);
            if (diverged == null && !Double.isFinite(scale)) {
                diverged = "the iterate's norm overflowed to " + scale + " at step " + i;
            }
            if (diverged != null) {
                return new InnerRun(state, w, i, Arrays.copyOf(norms, i), monitor.contractionEstimate(),
                        Status.DIVERGED, name() + " diverged: " + diverged);
            }
            state = nextState;
            w = next;
            if (budget.hasTolerance() && norm <= budget.threshold(scale) && step.mayStop(norm, norms[0])) {
                return new InnerRun(state, w, i, Arrays.copyOf(norms, i), monitor.contractionEstimate(),
                        Status.CONVERGED, "step norm " + norm + " <= " + budget.threshold(scale) + " after " + i
                                + " steps");
            }
        }
        int n = budget.maxIterations();
        double scale = Math.max(w.normValue(), 1.0);
        String diverged = monitor.atEnd(Math.max(budget.threshold(scale), epsilon * scale));
        if (diverged != null) {
            return new InnerRun(state, w, n, norms, monitor.contractionEstimate(), Status.DIVERGED,
                    name() + " diverged: " + diverged);
        }
        return new InnerRun(state, w, n, norms, monitor.contractionEstimate(), Status.BUDGET_EXHAUSTED,
                "budget of " + n + " steps used" + (n == 0 ? "" : ", last step norm " + norms[n - 1]));
    }
}
