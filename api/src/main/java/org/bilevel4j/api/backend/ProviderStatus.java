package org.bilevel4j.api.backend;

import java.util.Set;

/**
 * What the resolver found about one discovered provider.
 *
 * @param name         the provider's name
 * @param priority     its priority
 * @param capabilities its capabilities (empty if the provider itself could not be loaded)
 * @param availability whether it can run here
 */
public record ProviderStatus(String name, int priority, Set<Capability> capabilities, Availability availability) {

    @Override
    public String toString() {
        return availability.available() ? name + " (priority " + priority + ")" : name + ": " + availability.reason();
    }
}
