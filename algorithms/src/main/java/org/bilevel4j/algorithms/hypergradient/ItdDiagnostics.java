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
 * <p>Storage: in reverse mode the backward sweep needs every step's linearization. The default mode keeps them
 * (the <em>tape</em>: one map evaluation per step) when their estimated size fits a memory budget; otherwise it
 * keeps the trajectory and re-linearizes (two evaluations per step) if the states fit, and keeps checkpoints and
 * recomputes (about three evaluations per step) if they do not; {@link #kept}, {@link #retainedBytes} and
 * {@link #memoryBudget} state which was chosen and why, {@link #storage} says it in words.
 *
 * @param steps              inner steps taken
 * @param stepsDifferentiated steps back-propagated through (fewer than {@code steps} for truncated ITD)
 * @param remainder          ‖a₀‖ (reverse) or ‖Z_t - Z_{t-1}‖ (forward)
 * @param remainderScale     the reference the remainder is compared with: ‖∇_s E‖ at the last state (reverse) or
 *                           ‖Z_t‖ (forward)
 * @param storage            what the forward pass kept, in words (trajectory, tape, checkpoints, window), and for
 *                           the automatic choice why
 * @param kept               what the forward pass kept
 * @param retainedBytes      for the automatic choice, the estimated bytes of the tape through the budgeted number
 *                           of steps (or of the trajectory where a step's linearization does not report its size);
 *                           -1 where the mode was given explicitly
 * @param memoryBudget       for the automatic choice, the budget in bytes it was compared with; -1 otherwise
 */
public record ItdDiagnostics(int steps, int stepsDifferentiated, double remainder, double remainderScale,
        String storage, Storage kept, long retainedBytes, long memoryBudget) implements MethodDiagnostics {

    /** What the forward pass of an ITD estimate kept for the derivative. */
    public enum Storage {
        /** The states s₀, ..., s_{t-1}, re-linearized on the way back. */
        TRAJECTORY,
        /** Every step's linearization, recorded in the forward pass. */
        TAPE,
        /** Every c-th state, segments recomputed on the way back. */
        CHECKPOINTS,
        /** The last K states (truncated back-propagation). */
        WINDOW,
        /** Forward-mode tangents, no trajectory. */
        TANGENTS
    }

    @Override
    public Map<String, Double> figures() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("steps_differentiated", (double) stepsDifferentiated);
        m.put("adjoint_remainder", remainder);
        if (retainedBytes >= 0) {
            m.put("tape_bytes_estimated", (double) retainedBytes);
            m.put("memory_budget_bytes", (double) memoryBudget);
        }
        return m;
    }
}
