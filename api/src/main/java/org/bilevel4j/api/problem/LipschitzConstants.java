package org.bilevel4j.api.problem;

/**
 * Regularity constants of a bilevel problem at one λ (seed 004, Assumption A(iii)-(iv) and Lemma 2.1), valid
 * on the ball ‖w‖ ≤ 2Dλ that contains every iterate. With a contraction constant q they turn measured
 * residuals into a-posteriori error bounds on the hypergradient (Theorems 2.1 and 2.2).
 *
 * @param outerGradientInner  η₁: Lipschitz constant of w ↦ ∇₁E(w, λ)
 * @param outerGradientOuter  η₂: Lipschitz constant of w ↦ ∇₂E(w, λ)
 * @param jacobianInner       ν₁: Lipschitz constant of w ↦ ∂₁Φ(w, λ) (spectral norm)
 * @param jacobianOuter       ν₂: Lipschitz constant of w ↦ ∂₂Φ(w, λ) (spectral norm)
 * @param outerGradientBound  L_E: bound on ‖∇₁E(w, λ)‖
 * @param jacobianOuterBound  L_Φ: bound on ‖∂₂Φ(w, λ)‖
 */
public record LipschitzConstants(double outerGradientInner, double outerGradientOuter, double jacobianInner,
        double jacobianOuter, double outerGradientBound, double jacobianOuterBound) {

    /** Validates the components: all finite and non-negative. */
    public LipschitzConstants {
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
