package org.bilevel4j.algorithms.hypergradient;

import java.util.Objects;

/**
 * A-posteriori error bounds of one estimate, from measured residuals and what is known of the problem (Grazzi,
 * Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020). Components
 * are NaN where the information needed is missing; {@link #note} says what is missing and what the bound rests on.
 *
 * <p>With q the contraction constant of Φ(·, λ) and r_in = ‖w_t - Φ(w_t, λ)‖,
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
 * <p>The {@link #kind} says how far the numbers can be trusted: {@link Kind#CERTIFIED} only when q is proven for
 * the problem (not measured) and every point the bound involves lies in the region where the problem's constants
 * hold; a bound built on a measured q, or on iterates that may have left that region, is an
 * {@link Kind#ESTIMATE}.
 *
 * @param kind               certified, estimated or unavailable
 * @param contraction        q used, or NaN if unknown
 * @param innerError         bound on ‖w_t - w(λ)‖
 * @param adjointError       bound on ‖v - v_t‖ (NaN for ITD)
 * @param hypergradientError bound on ‖estimate - ∇f(λ)‖
 * @param note               what the bounds rest on, or why they are missing
 */
public record ErrorBound(Kind kind, double contraction, double innerError, double adjointError,
        double hypergradientError, String note) {

    /** How far a bound can be trusted. */
    public enum Kind {
        /** Proven: q is known for the problem and the problem's constants hold at every point involved. */
        CERTIFIED,
        /** Computed by the same formula, but on a measured q or outside the region where the constants are proven. */
        ESTIMATE,
        /** No hypergradient bound (q or the constants unknown, or q ≥ 1). */
        UNAVAILABLE
    }

    /** Validates the components: a bound that is not available has no hypergradient error. */
    public ErrorBound {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(note, "note");
        if ((kind == Kind.UNAVAILABLE) != Double.isNaN(hypergradientError)) {
            throw new IllegalArgumentException("hypergradientError: expected NaN exactly when the kind is UNAVAILABLE,"
                    + " got " + hypergradientError + " for " + kind);
        }
    }

    /**
     * @param reason why no bound is available
     * @return a bound with every component NaN
     */
    public static ErrorBound unavailable(String reason) {
        return new ErrorBound(Kind.UNAVAILABLE, Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
    }

    /** @return true if a hypergradient error bound is available (certified or estimated) */
    public boolean isAvailable() {
        return kind != Kind.UNAVAILABLE;
    }

    /** @return true if the hypergradient error bound is a proven one */
    public boolean isCertified() {
        return kind == Kind.CERTIFIED;
    }
}
