package org.bilevel4j.api.map;

/**
 * What is known of the Lipschitz constant q of w ↦ Φ(w, λ) in the Euclidean norm:
 * ‖Φ(w₁, λ) - Φ(w₂, λ)‖ ≤ q ‖w₁ - w₂‖ (Assumption B of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020).
 * When q &lt; 1 the
 * map is a contraction: its fixed point is unique, Picard iteration converges as q^t, and
 * ‖(I - ∂₁Φ)⁻¹‖ ≤ 1/(1 - q) (Lemma 2.2). Estimators use q for their a-posteriori error bounds.
 *
 * @param constant q, or NaN when unknown
 * @param source   where q comes from
 */
public record ContractionInfo(double constant, Source source) {

    /** Where a contraction constant comes from. */
    public enum Source {
        /** Proven for the problem (e.g. q = (κ - 1)/(κ + 1) for gradient descent with the optimal step). */
        KNOWN,
        /** Measured numerically (e.g. by power iteration on ∂₁Φ); not a guarantee. */
        ESTIMATED,
        /** Nothing is known. */
        UNKNOWN
    }

    private static final ContractionInfo UNKNOWN_INFO = new ContractionInfo(Double.NaN, Source.UNKNOWN);

    /** Validates the components. */
    public ContractionInfo {
        java.util.Objects.requireNonNull(source, "source");
        if (source == Source.UNKNOWN ? !Double.isNaN(constant) : !(constant >= 0 && Double.isFinite(constant))) {
            throw new IllegalArgumentException("constant: expected " + (source == Source.UNKNOWN ? "NaN"
                    : "a finite non-negative value") + " for source " + source + ", got " + constant);
        }
    }

    /** @param q a proven Lipschitz constant @return known information */
    public static ContractionInfo known(double q) {
        return new ContractionInfo(q, Source.KNOWN);
    }

    /** @param q a measured Lipschitz constant @return estimated information */
    public static ContractionInfo estimated(double q) {
        return new ContractionInfo(q, Source.ESTIMATED);
    }

    /** @return the absence of information */
    public static ContractionInfo unknown() {
        return UNKNOWN_INFO;
    }

    /** @return true if a constant is known or estimated */
    public boolean isAvailable() {
        return source != Source.UNKNOWN;
    }

    /** @return true if a constant below 1 is known or estimated */
    public boolean isContraction() {
        return isAvailable() && constant < 1.0;
    }
}
