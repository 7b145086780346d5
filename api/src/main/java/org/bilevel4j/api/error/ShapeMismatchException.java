package org.bilevel4j.api.error;

/**
 * A tensor argument does not have the shape an operation requires.
 *
 * <p>The message names the operation, the argument, the expected shape and the shape found.
 */
public class ShapeMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the operation, the argument, the expected and the actual shape
     */
    public ShapeMismatchException(String message) {
        super(message);
    }
}
