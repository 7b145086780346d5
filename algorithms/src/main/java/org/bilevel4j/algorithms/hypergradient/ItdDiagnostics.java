package org.bilevel4j.algorithms.hypergradient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The back-propagation part of an iterative-differentiation estimate.
 *
 * <p>ITD differentiates f_t(λ) = E(w_t(λ), λ) through the steps it took; what it leaves out is the dependence
 * of the starting point on λ. The <em>remainder</em> measures it: in reverse mode, a₀ = ∂w_t/∂s₀ᵀ ∇₁E, the
 * adjoint of the starting state left over after the backward sweep (with Jacobians along a converged trajectory
 * the missing tail is ∂₂Φᵀ(I - ∂₁Φᵀ)⁻¹a₀, so ‖a₀‖ small means the sweep has forgotten the start); in forward
 * mode, the last change of the tangents ‖Z_t - Z_{t-1}‖, the residual of the tangent equation
 * Z = ∂₁Φ Z + ∂₂Φ. From a cold start both decay like q^t; from a warm start after one step they do not, which is
 * why a warm-started ITD is certified on the remainder and not on inner convergence alone.
 *
 * @param steps              inner steps taken
 * @param stepsDifferentiated steps back-propagated through (fewer than {@code steps} for truncated ITD)
 * @param remainder          ‖a₀‖ (reverse) or ‖Z_t - Z_{t-1}‖ (forward)
 * @param remainderScale     the reference the remainder is compared with: ‖∇_s E‖ at the last state (reverse) or
 *                           ‖Z_t‖ (forward)
 * @param storage            what the forward pass kept, in words (trajectory, tape, checkpoints, window)
 */
public record ItdDiagnostics(int steps, int stepsDifferentiated, double remainder, double remainderScale,
        String storage) implements MethodDiagnostics {

    @Override
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("steps_differentiated", (double) stepsDifferentiated);
        m.put("adjoint_remainder", remainder);
        return m;
    }
}
