package org.bilevel4j.api.map;

/**
 * Bounds on the spectrum of the inner Hessian, μ I ⪯ ∇²_ww g(w, λ) ⪯ L I for every w: g(·, λ) is
 * μ-strongly convex and L-smooth. They give gradient descent its optimal step α = 2/(μ + L) and the
 * contraction constant of the step map, q = max(|1 - αμ|, |1 - αL|), which is (κ - 1)/(κ + 1) at
 * the optimal step (eq. (6) and Appendix B of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020).
 *
 * @param strongConvexity μ &gt; 0
 * @param smoothness      L ≥ μ
 */
public record CurvatureBounds(double strongConvexity, double smoothness) {

    /** Validates the components. */
    public CurvatureBounds {
        if (!(strongConvexity > 0) || !Double.isFinite(strongConvexity)) {
            throw new IllegalArgumentException("strongConvexity: expected a finite value > 0, got " + strongConvexity);
        }
        if (!(smoothness >= strongConvexity) || !Double.isFinite(smoothness)) {
            throw new IllegalArgumentException("smoothness: expected a finite value >= strongConvexity = "
                    + strongConvexity + ", got " + smoothness);
        }
    }

    /** @return κ = L / μ */
    public double conditionNumber() {
        return smoothness / strongConvexity;
    }

    /** @return α = 2 / (μ + L) */
    public double optimalStep() {
        return 2.0 / (strongConvexity + smoothness);
    }

    /**
     * @param step α &gt; 0
     * @return q = max(|1 - αμ|, |1 - αL|), the Lipschitz constant of w ↦ w - α∇_w g(w, λ)
     */
    public double contraction(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        return Math.max(Math.abs(1 - step * strongConvexity), Math.abs(1 - step * smoothness));
    }
}
