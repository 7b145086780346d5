package org.bilevel4j.api.error;

/**
 * A requested backend is unknown or cannot run here, or no backend is available at all. The message lists
 * the backends that are available and why each other one is not.
 */
public class BackendUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was requested, from where, and what is available
     */
    public BackendUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message what was requested, from where, and what is available
     * @param cause   the failure of the backend's own initialisation
     */
    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
