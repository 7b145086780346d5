package org.bilevel4j.api.tensor.types;

/**
 * The per-sample function φ of a linear model's loss Σᵢ φ(cᵢ·(X w)ᵢ + bᵢ), computed by
 * {@code Tensor.linearModelLoss} (with its derivatives; in one pass over X per gradient and per Hessian-vector
 * product on a backend with fused kernels). Here, below both the tensors and the backend SPI, so that both can name
 * it; the scalar definitions are the reference for backends' kernels and for tests.
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
}
