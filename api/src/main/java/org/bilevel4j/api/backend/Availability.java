package org.bilevel4j.api.backend;

import java.util.Objects;

/**
 * Whether a backend can run here, and if not, why and how to fix it.
 *
 * @param available true if {@link BackendProvider#create} is expected to succeed
 * @param reason    empty when available; otherwise what is missing and how to add it
 */
public record Availability(boolean available, String reason) {

    /** Validates the components. */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!available && reason.isBlank()) {
            throw new IllegalArgumentException("reason: expected an explanation for an unavailable backend, got blank");
        }
    }

    /** @return an available status */
    public static Availability ofAvailable() {
        return new Availability(true, "");
    }

    /**
     * @param reason what is missing and how to add it
     * @return an unavailable status
     */
    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }
}
