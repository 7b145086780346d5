package org.bilevel4j.algorithms.linalg;

import org.bilevel4j.algorithms.diagnostics.DivergenceMonitor;
import org.bilevel4j.algorithms.diagnostics.IterationBudget;
import org.bilevel4j.algorithms.diagnostics.Status;
import org.bilevel4j.api.tensor.Tensor;

/**
 * Richardson iteration x ← x + ω(b - Ax), a fixed-point iteration for A x = b.
 *
 * <ul>
 *   <li>With ω = 1 and A = I - ∂₁Φᵀ it is the fixed-point method of AID-FP (Grazzi, Franceschi, Pontil,
 *       Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020, eq. (19)),
 *       v ← ∂₁Φᵀv + ∇₁E, also called recurrent backpropagation; from v₀ = 0 it converges as
 *       ‖v_k - v‖ ≤ q^k ‖v‖ when Φ is a q-contraction (Theorem 2.3).</li>
 *   <li>With A symmetric positive definite it is gradient descent on the quadratic ½xᵀAx - bᵀx with step
 *       ω (the linear-system solver of AmIGO-GD, Arbel, Mairal, "Amortized Implicit Differentiation for
 *       Stochastic Bilevel Optimization", ICLR 2022); it converges for 0 &lt; ω &lt; 2/λ_max(A).</li>
 * </ul>
 *
 * <p>One iteration: one application of A. Stopping rule: ‖b - Ax_k‖ ≤ max(rtol‖b‖, atol), or the
 * budget. Divergence by the rule of {@link DivergenceMonitor}: a residual that becomes NaN or grows a millionfold
 * stops at once, and a run whose residual did not decrease at all (estimated contraction ≥ 1: ω too large, Φ not a
 * contraction, or no solution) ends with DIVERGED instead of BUDGET_EXHAUSTED.
 */
public final class RichardsonSolver implements LinearSolver {
    private final double relaxation;
    private final String name;

    /**
     * @param relaxation ω &gt; 0
     */
    public RichardsonSolver(double relaxation) {
        this(relaxation, relaxation == 1.0 ? "fixed-point" : "richardson(" + relaxation + ")");
    }

    private RichardsonSolver(double relaxation, String name) {
        if (!(relaxation > 0) || !Double.isFinite(relaxation)) {
            throw new IllegalArgumentException("relaxation: expected a finite value > 0, got " + relaxation);
        }
        this.relaxation = relaxation;
        this.name = name;
    }

    /** @return the fixed-point iteration of AID-FP (ω = 1) */
    public static RichardsonSolver fixedPoint() {
        return new RichardsonSolver(1.0);
    }

    /**
     * @param step the step γ of gradient descent on ½xᵀAx - bᵀx
     * @return gradient descent on the quadratic (AmIGO-GD's linear solver)
     */
    public static RichardsonSolver gradientDescent(double step) {
        return new RichardsonSolver(step, "gd(" + step + ")");
    }

    /** @return ω */
    public double relaxation() {
        return relaxation;
    }

    @Override
    public LinearSolveResult solve(LinearOperator a, Tensor b, Tensor x0, IterationBudget budget) {
        Tensor x = SolveSupport.start(b, x0);
        SolveSupport.History history = new SolveSupport.History();
        int applications = 0;
        Tensor r = b;
        if (x0 != null) {
            r = b.sub(a.apply(x));
            applications++;
        }
        double r0 = r.normValue();
        history.add(r0);
        double threshold = budget.threshold(b.normValue());
        if (r0 <= threshold || r0 == 0) {
            return new LinearSolveResult(x, Status.CONVERGED, 0, applications, 0, history.toArray(),
                    "initial residual below tolerance");
        }
        DivergenceMonitor monitor = new DivergenceMonitor(true);
        double floor = 64 * b.dtype().epsilon() * b.normValue();
        monitor.observe(r0, floor);
        for (int k = 1; k <= budget.maxIterations(); k++) {
            x = x.add(r.mul(relaxation));
            r = b.sub(a.apply(x));
            applications++;
            double norm = r.normValue();
            history.add(norm);
            String diverged = monitor.observe(norm, floor);
            if (diverged != null) {
                return new LinearSolveResult(x, Status.DIVERGED, k, applications, 0, history.toArray(),
                        diverged + ": the iteration is not a contraction");
            }
            if (norm <= threshold) {
                return new LinearSolveResult(x, Status.CONVERGED, k, applications, 0, history.toArray(),
                        "residual " + norm + " <= " + threshold);
            }
        }
        String diverged = monitor.atEnd(Math.max(threshold, floor));
        if (diverged != null) {
            return new LinearSolveResult(x, Status.DIVERGED, budget.maxIterations(), applications, 0,
                    history.toArray(), diverged);
        }
        return new LinearSolveResult(x, Status.BUDGET_EXHAUSTED, budget.maxIterations(), applications, 0,
                history.toArray(), "budget of " + budget.maxIterations() + " iterations used, residual "
                        + history.last() + ", estimated contraction " + monitor.contractionEstimate());
    }

    @Override
    public String name() {
        return name;
    }
}
