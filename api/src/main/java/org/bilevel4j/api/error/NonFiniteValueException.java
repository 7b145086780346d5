package org.bilevel4j.api.error;

/**
 * An input contains NaN or an infinity where finite values are required (tensor creation from user data,
 * the points at which derivatives are requested, the vectors they are applied to).
 */
public class NonFiniteValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the argument, the first offending index and its value
     */
    public NonFiniteValueException(String message) {
        super(message);
    }
}
