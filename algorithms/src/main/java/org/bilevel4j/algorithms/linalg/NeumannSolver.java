package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.DivergenceMonitor;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Truncated Neumann series x = x₀ + Σ_{i=0}^{K} (I - A)^i r₀, r₀ = b - Ax₀ (Liao et al., "Reviving and
 * Improving Recurrent Back-Propagation", ICML 2018). For AID,
 * I - A = ∂₁Φᵀ and the series is (I - ∂₁Φᵀ)⁻¹ = Σ (∂₁Φᵀ)^i truncated after K + 1 terms, the
 * proof of Lemma 2.2 of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020;
 * it equals AID-FP with K + 1 iterations, so the FP bounds apply with k = K + 1,
 * and its tail is bounded by q^(K+1)/(1 - q) ‖r₀‖.
 *
 * <p>One iteration: one application of A, giving the next term (I - A)^i r₀ and adding it. The budget K is the
 * number of applications. The size of each term is also the residual of the partial sum before it, so
 * {@code residualNorms[i]} = ‖b - A x_i‖ where x_i sums the first i terms; stopping rule: that residual
 * ≤ max(rtol‖b‖, atol) (the term is still added), or the budget. Growing terms give DIVERGED.
 */
public final class NeumannSolver implements LinearSolver {

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        Tensor x = SolveSupport.start(b, x0);
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        Tensor term = b;
        if (x0 != null) {
            term = b.sub(a.apply(x));
            applications++;
        }
        double r0 = term.normValue();
        history.add(r0);
        double threshold = budget.threshold(b.normValue());
        x = x.add(term);
        if (r0 <= threshold || r0 == 0) {
            return new LinearSolveResult(x, Status.CONVERGED, 0, applications, 0, history.toArray(),
                    "initial residual below tolerance");
        }
        DivergenceMonitor monitor = new DivergenceMonitor(true);
        double floor = 64 * b.dtype().epsilon() * b.normValue();
        monitor.observe(r0, floor);
        for (int k = 1; k <= budget.maxIterations(); k++) {
            term = term.sub(a.apply(term));
            applications++;
            double norm = term.normValue();
            history.add(norm);
            x = x.add(term);
            String diverged = monitor.observe(norm, floor);
            if (diverged != null) {
                return new LinearSolveResult(x, Status.DIVERGED, k, applications, 0, history.toArray(),
                        "series terms: " + diverged + ": the spectral radius of I - A is >= 1");
            }
            if (norm <= threshold) {
                return new LinearSolveResult(x, Status.CONVERGED, k, applications, 0, history.toArray(),
                        "term " + norm + " <= " + threshold);
            }
        }
        String diverged = monitor.atEnd(Math.max(threshold, floor));
        if (diverged != null) {
            return new LinearSolveResult(x, Status.DIVERGED, budget.maxIterations(), applications, 0,
                    history.toArray(), "series terms: " + diverged);
        }
        return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, budget.maxIterations(), applications, 0,
                history.toArray(), "series truncated after " + (budget.maxIterations() + 1) + " terms");
    }

    @Override
    public String name() {
        return "neumann";
    }
}
