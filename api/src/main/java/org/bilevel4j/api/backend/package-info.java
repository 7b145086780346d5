/**
 * The backend SPI: everything a backend author implements or uses is in this package. It depends only on the
 * element types and shapes of {@link org.bilevel4j.api.tensor.types}; tensors sit above it, and the resolver
 * {@link org.bilevel4j.api.tensor.Backends} beside the tensors it creates (a package cycle otherwise).
 *
 * <ul>
 *   <li>{@link org.bilevel4j.api.backend.BackendProvider}: the service a backend registers with
 *       {@link java.util.ServiceLoader} (name, priority, capabilities, availability probe, kernels);</li>
 *   <li>{@link org.bilevel4j.api.backend.Kernels} and {@link org.bilevel4j.api.backend.Storage}: the primitive
 *       kernels below {@link org.bilevel4j.api.tensor.Tensor} and the backend's opaque arrays;</li>
 *   <li>the operation enums {@link org.bilevel4j.api.backend.UnaryOp}, {@link org.bilevel4j.api.backend.BinaryOp},
 *       {@link org.bilevel4j.api.backend.ReduceOp}, and {@link org.bilevel4j.api.backend.Capability};</li>
 *   <li>{@link org.bilevel4j.api.backend.ReferenceKernels}, the naive specification oracle of the kernel contract,
 *       and {@link org.bilevel4j.api.backend.NativeMemoryGovernor}, shared by backends with native memory.</li>
 * </ul>
 *
 * <p>Backends register a {@link org.bilevel4j.api.backend.BackendProvider} with {@link java.util.ServiceLoader};
 * {@link org.bilevel4j.api.tensor.Backends} is the one class that discovers them and resolves which to use:
 * an explicit choice in code, else the system property {@code bilevel4j.backend}, else the environment
 * variable {@code BILEVEL4J_BACKEND}, else the available provider of highest priority (ties by name). A requested
 * backend that is unknown or unavailable fails at once with the list of what is available and why each other
 * provider is not; there is no silent fallback.
 */
package org.bilevel4j.api.backend;
