package org.bilevel4j.api.backend;

/** Element-wise functions that every backend implements as kernels ({@link Kernels#unary}). */
public enum UnaryOp {
    /** -x */
    NEG,
    /** e^x */
    EXP,
    /** ln x */
    LOG,
    /** ln(1 + x), accurate for small x */
    LOG1P,
    /** e^x - 1, accurate for small x */
    EXPM1,
    /** √x */
    SQRT,
    /** x² */
    SQUARE,
    /** 1 / x */
    RECIPROCAL,
    /** |x| */
    ABS,
    /** -1, 0 or 1 */
    SIGN,
    /** 1 where x &gt; 0, else 0 (Heaviside step) */
    STEP,
    /** tanh x */
    TANH,
    /** 1 / (1 + e^-x), computed without overflow */
    SIGMOID,
    /** max(x, 0) */
    RELU,
    /** ln(1 + e^x), computed without overflow */
    SOFTPLUS,
    /** sin x */
    SIN,
    /** cos x */
    COS;

    /**
     * Reference scalar definition, used by backends that evaluate element by element and by tests.
     *
     * @param x the argument
     * @return the value of this function at x
     */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case LOG1P -> Math.log1p(x);
            case EXPM1 -> Math.expm1(x);
            case SQRT -> Math.sqrt(x);
            case SQUARE -> x * x;
            case RECIPROCAL -> 1.0 / x;
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case STEP -> x > 0 ? 1.0 : 0.0;
            case TANH -> Math.tanh(x);
            case SIGMOID -> x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case RELU -> x > 0 ? x : 0.0;
            case SOFTPLUS -> x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
            case SIN -> Math.sin(x);
            case COS -> Math.cos(x);
        };
    }
}
