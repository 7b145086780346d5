package org.bilevel4j.api.error;

/**
 * A backend or a map was asked for something it cannot do (float32 on a float64-only backend, a JVP of a
 * hand-written map that only provides VJPs, ...). The message names the capability, the component that
 * lacks it and, where one exists, a workaround.
 */
public class UnsupportedCapabilityException extends UnsupportedOperationException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the capability, who lacks it and a workaround
     */
    public UnsupportedCapabilityException(String message) {
        super(message);
    }
}
