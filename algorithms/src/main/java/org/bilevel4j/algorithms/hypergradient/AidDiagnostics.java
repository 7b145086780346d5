package org.bilevel4j.algorithms.hypergradient;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.bilevel4j.algorithms.linalg.LinearSolveResult;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The adjoint part of an approximate-implicit-differentiation estimate.
 *
 * @param adjoint         v, the approximate solution of (I - ∂₁Φ(w_t, λ)ᵀ) v = ∇₁E(w_t, λ) (warm start of the
 *                        next linear solve)
 * @param adjointResidual ‖(I - ∂₁Φᵀ)v - ∇₁E‖, the true residual of the undamped system, computed from the
 *                        final VJP (not the solver's recurrence)
 * @param linearSolve     the linear solve, with its own status, iterations and residual history
 */
public record AidDiagnostics(Tensor adjoint, double adjointResidual, LinearSolveResult linearSolve)
        implements MethodDiagnostics {

    /** Validates the components. */
    public AidDiagnostics {
        Objects.requireNonNull(adjoint, "adjoint");
        Objects.requireNonNull(linearSolve, "linearSolve");
    }

    /** @return the linear solver's iterations */
    public int linearIterations() {
        return linearSolve.iterations();
    }

    @Override
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("adjoint_residual", adjointResidual);
        m.put("linear_iterations", (double) linearSolve.iterations());
        return m;
    }
}
