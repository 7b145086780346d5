package org.bilevel4j.api.problem;

/**
 * Regularity constants of a bilevel problem at one λ (Grazzi, Franceschi, Pontil, Salzo, "On the Iteration
 * Complexity of Hypergradient Computation", ICML 2020: Assumption A(iii)-(iv) and Lemma 2.1), valid on the ball
 * ‖w‖ ≤ {@code radius} (the paper's 2D_λ, which contains every iterate of a contraction started at w₀ = 0;
 * infinite when the constants hold everywhere, as for quadratics). With a contraction constant q they turn measured
 * residuals into a-posteriori error bounds on the hypergradient (Theorems 2.1 and 2.2); an estimate whose iterates
 * may have left the ball (a warm start moves w₀) reports its bound as an estimate, not a certificate.
 *
 * @param outerGradientInner  η₁: Lipschitz constant of w ↦ ∇₁E(w, λ)
 * @param outerGradientOuter  η₂: Lipschitz constant of w ↦ ∇₂E(w, λ)
 * @param jacobianInner       ν₁: Lipschitz constant of w ↦ ∂₁Φ(w, λ) (spectral norm)
 * @param jacobianOuter       ν₂: Lipschitz constant of w ↦ ∂₂Φ(w, λ) (spectral norm)
 * @param outerGradientBound  L_E: bound on ‖∇₁E(w, λ)‖
 * @param jacobianOuterBound  L_Φ: bound on ‖∂₂Φ(w, λ)‖
 * @param radius              R: the constants hold for ‖w‖ ≤ R (positive, possibly infinite)
 */
public record LipschitzConstants(double outerGradientInner, double outerGradientOuter, double jacobianInner,
        double jacobianOuter, double outerGradientBound, double jacobianOuterBound, double radius) {

    /**
     * Constants that hold for every w (radius ∞).
     *
     * @param outerGradientInner η₁
     * @param outerGradientOuter η₂
     * @param jacobianInner      ν₁
     * @param jacobianOuter      ν₂
     * @param outerGradientBound L_E
     * @param jacobianOuterBound L_Φ
     */
    public LipschitzConstants(double outerGradientInner, double outerGradientOuter, double jacobianInner,
            double jacobianOuter, double outerGradientBound, double jacobianOuterBound) {
        this(outerGradientInner, outerGradientOuter, jacobianInner, jacobianOuter, outerGradientBound,
                jacobianOuterBound, Double.POSITIVE_INFINITY);
    }

    /**
     * @param r the radius of the ball on which these constants hold
     * @return a copy valid on ‖w‖ ≤ r
     */
    public LipschitzConstants withRadius(double r) {
        return new LipschitzConstants(outerGradientInner, outerGradientOuter, jacobianInner, jacobianOuter,
                outerGradientBound, jacobianOuterBound, r);
    }

    /**
     * @param norm a bound on the norm of every point that matters
     * @return true if all those points lie in the ball where the constants hold
     */
    public boolean holdsWithin(double norm) {
        return norm <= radius;
    }

    /** Validates the components: all finite and non-negative, the radius positive (possibly infinite). */
    public LipschitzConstants {
        if (!(radius > 0)) {
            throw new IllegalArgumentException("radius: expected a value > 0 (possibly infinite), got " + radius);
        }
        double[] all = {outerGradientInner, outerGradientOuter, jacobianInner, jacobianOuter, outerGradientBound,
            jacobianOuterBound};
        String[] names = {"outerGradientInner", "outerGradientOuter", "jacobianInner", "jacobianOuter",
            "outerGradientBound", "jacobianOuterBound"};
        for (int i = 0; i < all.length; i++) {
            if (!(all[i] >= 0) || !Double.isFinite(all[i])) {
                throw new IllegalArgumentException(names[i] + ": expected a finite value >= 0, got " + all[i]);
            }
        }
    }
}
