package org.bilevel4j.api.tensor;

/**
 * The per-sample function φ of a linear model's loss Σᵢ φ(cᵢ·(X w)ᵢ + bᵢ), computed by
 * {@link Tensor#linearModelLoss(LinearModelLoss, Tensor, Tensor, Tensor)} in one pass over X with its derivatives.
 *
 * <p>With labels y ∈ {−1, +1}, the logistic loss of logistic regression is {@link #LOGISTIC} with c = −y and b = 0
 * (φ(cᵢ zᵢ) = ln(1 + e^(−yᵢ zᵢ))); least squares ½‖X w − y‖² is {@link #SQUARED} with c = 1 and b = −y.
 */
public enum LinearModelLoss {
    /** φ(a) = ln(1 + eᵃ) (softplus): φ′ = σ(a), φ″ = σ(1 − σ), φ‴ = σ(1 − σ)(1 − 2σ), σ the logistic function. */
    LOGISTIC,
    /** φ(a) = a²/2: φ′ = a, φ″ = 1, φ‴ = 0. */
    SQUARED;

    /**
     * @param a the argument
     * @return φ(a), without overflow
     */
    public double value(double a) {
        return switch (this) {
            case LOGISTIC -> a > 0 ? a + Math.log1p(Math.exp(-a)) : Math.log1p(Math.exp(a));
            case SQUARED -> 0.5 * a * a;
        };
    }

    /**
     * @param a the argument
     * @return φ′(a)
     */
    public double first(double a) {
        return switch (this) {
            case LOGISTIC -> sigmoid(a);
            case SQUARED -> a;
        };
    }

    /**
     * @param a the argument
     * @return φ″(a)
     */
    public double second(double a) {
        return switch (this) {
            case LOGISTIC -> {
                double s = sigmoid(a);
                yield s * (1 - s);
            }
            case SQUARED -> 1;
        };
    }

    private static double sigmoid(double a) {
        return a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a));
    }

    // ---------------------------------------------------------------- as differentiable tensor operations

    /** φ′(a), element-wise, with recorded operations (differentiable again). */
    Tensor first(Tensor a) {
        return switch (this) {
            case LOGISTIC -> a.sigmoid();
            case SQUARED -> a;
        };
    }

    /** φ″(a), element-wise, with recorded operations. */
    Tensor second(Tensor a) {
        return switch (this) {
            case LOGISTIC -> {
                Tensor s = a.sigmoid();
                yield s.mul(s.affine(-1, 1));
            }
            case SQUARED -> a.backend().full(a.shape(), a.dtype(), 1.0);
        };
    }

    /** φ‴(a), element-wise, with recorded operations. */
    Tensor third(Tensor a) {
        return switch (this) {
            case LOGISTIC -> {
                Tensor s = a.sigmoid();
                yield s.mul(s.affine(-1, 1)).mul(s.affine(-2, 1));
            }
            case SQUARED -> a.backend().zeros(a.shape(), a.dtype());
        };
    }
}
