package org.bilevel4j.api.problem;

/**
 * Regularity constants of a bilevel problem at one &lambda; (seed 004, Assumption A(iii)-(iv) and Lemma 2.1), valid
 * on the ball &#8214;w&#8214; &le; 2D&lambda; that contains every iterate. With a contraction constant q they turn measured
 * residuals into a-posteriori error bounds on the hypergradient (Theorems 2.1 and 2.2).
 *
 * @param outerGradientInner  &eta;&#8321;: Lipschitz constant of w &#8614; &nabla;&#8321;E(w, &lambda;)
 * @param outerGradientOuter  &eta;&#8322;: Lipschitz constant of w &#8614; &nabla;&#8322;E(w, &lambda;)
 * @param jacobianInner       &nu;&#8321;: Lipschitz constant of w &#8614; &part;&#8321;&Phi;(w, &lambda;) (spectral norm)
 * @param jacobianOuter       &nu;&#8322;: Lipschitz constant of w &#8614; &part;&#8322;&Phi;(w, &lambda;) (spectral norm)
 * @param outerGradientBound  L_E: bound on &#8214;&nabla;&#8321;E(w, &lambda;)&#8214;
 * @param jacobianOuterBound  L_&Phi;: bound on &#8214;&part;&#8322;&Phi;(w, &lambda;)&#8214;
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
