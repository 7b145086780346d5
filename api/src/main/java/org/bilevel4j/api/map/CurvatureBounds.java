package org.bilevel4j.api.map;

/**
 * Bounds on the spectrum of the inner Hessian, &mu; I &#10927; &nabla;&sup2;_ww g(w, &lambda;) &#10927; L I for every w: g(&middot;, &lambda;) is
 * &mu;-strongly convex and L-smooth. They give gradient descent its optimal step &alpha; = 2/(&mu; + L) and the
 * contraction constant of the step map, q = max(|1 - &alpha;&mu;|, |1 - &alpha;L|), which is (&kappa; - 1)/(&kappa; + 1) at
 * the optimal step (seed 004, eq. (6) and Appendix B).
 *
 * @param strongConvexity &mu; &gt; 0
 * @param smoothness      L &ge; &mu;
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

    /** @return &kappa; = L / &mu; */
    public double conditionNumber() {
        return smoothness / strongConvexity;
    }

    /** @return &alpha; = 2 / (&mu; + L) */
    public double optimalStep() {
        return 2.0 / (strongConvexity + smoothness);
    }

    /**
     * @param step &alpha; &gt; 0
     * @return q = max(|1 - &alpha;&mu;|, |1 - &alpha;L|), the Lipschitz constant of w &#8614; w - &alpha;&nabla;_w g(w, &lambda;)
     */
    public double contraction(double step) {
        if (!(step > 0) || !Double.isFinite(step)) {
            throw new IllegalArgumentException("step: expected a finite value > 0, got " + step);
        }
        return Math.max(Math.abs(1 - step * strongConvexity), Math.abs(1 - step * smoothness));
    }
}
