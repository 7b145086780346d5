package org.bilevel4j.api.backend;

import java.util.Set;

/**
 * The service interface a backend module registers with {@link java.util.ServiceLoader} (a line in
 * {@code META-INF/services/org.bilevel4j.api.backend.BackendProvider}). Implementations are public final classes
 * with a public no-argument constructor that does nothing expensive.
 *
 * <p>Discovery must be free of side effects: {@link #name}, {@link #priority}, {@link #capabilities} and
 * {@link #availability} load no native library, open no connection and never throw. Natives are loaded in
 * {@link #create}, which the resolver calls at most once per provider.
 */
public interface BackendProvider {

    /** @return the stable lower-case identifier used for selection, e.g. {@code "ejml"}, {@code "djl"} */
    String name();

    /**
     * @return the rank among available providers when none is requested: higher wins (GPU-capable providers
     *         rank above CPU ones); ties are broken by name
     */
    int priority();

    /** @return what the kernels support; must contain {@link Capability#FLOAT64} */
    Set<Capability> capabilities();

    /**
     * Checks, without loading natives and without throwing, whether {@link #create} can succeed here (classes
     * and native artifacts present, a device found...).
     *
     * @return available, or unavailable with a reason that says what is missing and how to add it
     */
    Availability availability();

    /**
     * Creates the kernels, loading natives if needed. Called at most once per provider and JVM.
     *
     * @return the backend's kernels
     * @throws RuntimeException if initialisation fails; the resolver reports it with the backend's name
     */
    Kernels create();
}
