package org.bilevel4j.api.error;

/**
 * Two tensors of one operation have different element types (float32 and float64). bilevel4j never
 * promotes silently; use {@code tensor.to(DType.FLOAT64)} to convert explicitly.
 */
public class DTypeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names both operands and both element types
     */
    public DTypeMismatchException(String message) {
        super(message);
    }
}
