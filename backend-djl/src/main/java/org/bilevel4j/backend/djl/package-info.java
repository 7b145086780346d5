/**
 * The DJL backend (DJL 0.36.0 with the PyTorch 2.7.1 engine; CPU, or CUDA with the {@code gpu} Maven profile),
 * offline: DJL's offline mode and tracking opt-out are set before any DJL class loads.
 * {@link org.bilevel4j.backend.djl.DjlBackendProvider} is registered with {@link java.util.ServiceLoader}; the
 * kernels and storage are package-private. Native arrays are freed by a {@link java.lang.ref.Cleaner} when their
 * tensors become unreachable.
 */
package org.bilevel4j.backend.djl;
