package org.bilevel4j.api.tensor.types;

/**
 * Element type of a tensor. {@link #FLOAT64} is the default everywhere: hypergradients are differences of
 * nearly equal quantities and second-order products lose digits quickly in single precision.
 */
public enum DType {
    /** IEEE 754 double precision; the default. */
    FLOAT64("float64", 8),
    /** IEEE 754 single precision; for large models on native backends. */
    FLOAT32("float32", 4);

    private final String label;
    private final int bytes;

    DType(String label, int bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    /** @return bytes per element */
    public int bytes() {
        return bytes;
    }

    /** @return the relative machine epsilon of this type (2^-52 or 2^-23) */
    public double epsilon() {
        return this == FLOAT64 ? Math.ulp(1.0) : Math.ulp(1.0f);
    }

    @Override
    public String toString() {
        return label;
    }
}
