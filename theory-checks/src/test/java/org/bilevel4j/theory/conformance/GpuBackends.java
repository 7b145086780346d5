package org.bilevel4j.theory.conformance;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bilevel4j.api.backend.Capability;
import org.bilevel4j.api.backend.ProviderStatus;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;

/** Resolves a backend for the {@code gpu}-tagged tests, skipping them (not failing) where it has no CUDA device. */
final class GpuBackends {
    private GpuBackends() {
    }

    static Backend require(String name) {
        ProviderStatus status = Backends.providers().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElse(null);
        assumeTrue(status != null && status.availability().available()
                && status.capabilities().contains(Capability.GPU),
                () -> "skipped: backend '" + name + "' has no CUDA device here ("
                        + (status == null ? "not installed" : status) + "); build with -Pgpu on a GPU host");
        return Backends.get(name);
    }
}
