package org.bilevel4j.api.backend;

/**
 * Element-wise binary functions with broadcasting that every backend implements ({@link Kernels#binary}).
 * Comparisons return 1 where the relation holds and 0 elsewhere, in the operands' element type.
 */
public enum BinaryOp {
    /** a + b */
    ADD,
    /** a - b */
    SUB,
    /** a · b */
    MUL,
    /** a / b */
    DIV,
    /** max(a, b) */
    MAX,
    /** min(a, b) */
    MIN,
    /** a &gt; b */
    GT,
    /** a ≥ b */
    GE,
    /** a &lt; b */
    LT,
    /** a ≤ b */
    LE,
    /** a = b */
    EQ;

    /**
     * Reference scalar definition.
     *
     * @param a left operand
     * @param b right operand
     * @return the value of this function
     */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case GT -> a > b ? 1 : 0;
            case GE -> a >= b ? 1 : 0;
            case LT -> a < b ? 1 : 0;
            case LE -> a <= b ? 1 : 0;
            case EQ -> a == b ? 1 : 0;
        };
    }

    /** @return true for the comparisons, whose results are piecewise constant (zero derivative) */
    public boolean isComparison() {
        return ordinal() >= GT.ordinal();
    }
}
