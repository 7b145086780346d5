package org.bilevel4j.algorithms.hypergradient;

/**
 * A-posteriori error bounds of one estimate, from measured residuals and what is known of the problem
 * (seed 004). Components are NaN where the information needed is missing; {@link #note} says what is missing.
 *
 * <p>With q the contraction constant of Φ(·, λ) (Assumption B) and r_in = ‖w_t - Φ(w_t, λ)‖,
 * r_adj = ‖(I - ∂₁Φᵀ)v - ∇₁E‖ at w_t:
 * <ul>
 *   <li>{@link #innerError}: ‖w_t - w(λ)‖ ≤ r_in / (1 - q);</li>
 *   <li>{@link #adjointError}: ‖v - v_t‖ ≤ r_adj / (1 - q), v_t the exact adjoint at w_t (Lemma 2.2);</li>
 *   <li>{@link #hypergradientError}: for AID, bound (13) of Theorem 2.2 with μ = 1 - q, ρ(t)D replaced by the
 *       inner bound and σ(k)‖v_t‖ by the adjoint bound; for ITD, bound (8) of Theorem 2.1 with
 *       D = ‖w₀ - w_t‖ + the inner bound. Both need the problem's
 *       {@link org.bilevel4j.api.problem.LipschitzConstants}.</li>
 * </ul>
 *
 * @param contraction        q used, or NaN if unknown
 * @param innerError         bound on ‖w_t - w(λ)‖
 * @param adjointError       bound on ‖v - v_t‖ (NaN for ITD)
 * @param hypergradientError bound on ‖estimate - ∇f(λ)‖
 * @param note               what the bounds rest on, or why they are missing
 */
public record ErrorBound(double contraction, double innerError, double adjointError, double hypergradientError,
        String note) {

    /**
     * @param reason why no bound is available
     * @return a bound with every component NaN
     */
    public static ErrorBound unavailable(String reason) {
        return new ErrorBound(Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
    }

    /** @return true if a hypergradient error bound is available */
    public boolean isAvailable() {
        return Double.isFinite(hypergradientError);
    }
}
