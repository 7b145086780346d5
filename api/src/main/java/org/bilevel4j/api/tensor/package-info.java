/**
 * Tensors, the recording engine behind automatic differentiation, and backend resolution.
 *
 * <ul>
 *   <li>{@link org.bilevel4j.api.tensor.Tensor}: immutable rank 0–2 tensors with validated operations (element
 *       types and shapes are in {@link org.bilevel4j.api.tensor.types});</li>
 *   <li>{@link org.bilevel4j.api.tensor.Backend}: a resolved backend and the factories that create tensors on it;</li>
 *   <li>{@link org.bilevel4j.api.tensor.Backends}: finds the backend providers of the SPI
 *       ({@link org.bilevel4j.api.backend}) and resolves which to use;</li>
 *   <li>{@link org.bilevel4j.api.tensor.Trace}: one level of reverse-mode differentiation, with no global tape.</li>
 * </ul>
 *
 * <p>Differentiation works per primitive: each primitive knows its value (a kernel call) and its
 * vector-Jacobian product, which is written with tensor operations and is therefore differentiable again.
 * Nothing below the SPI's {@code Kernels} knows about derivatives, so every backend gets autodiff of every order.
 */
package org.bilevel4j.api.tensor;
