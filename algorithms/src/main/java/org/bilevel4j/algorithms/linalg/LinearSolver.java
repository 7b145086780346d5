package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A matrix-free solver of A x = b. Implementations are stateless and thread-safe; arguments are not modified.
 * Every solve returns its status: a budget that runs out, a breakdown or a divergence is reported, never hidden.
 */
public interface LinearSolver {

    /**
     * @param a      the operator
     * @param b      the right-hand side
     * @param x0     the starting point (a warm start), or null for zero
     * @param budget iterations and tolerances: stop when ‖b - Ax‖ ≤ max(rtol‖b‖, atol)
     * @return the solution with its diagnostics
     */
    LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget);

    /** @return a short name, e.g. {@code "cg"} */
    String name();
}
