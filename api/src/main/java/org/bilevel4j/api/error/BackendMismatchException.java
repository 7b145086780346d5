package org.bilevel4j.api.error;

/**
 * Two tensors of one operation belong to different backends. Tensors are never converted silently; use
 * {@code tensor.to(backend)} to copy a tensor to another backend explicitly.
 */
public class BackendMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names both operands and both backends
     */
    public BackendMismatchException(String message) {
        super(message);
    }
}
