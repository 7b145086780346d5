/**
 * Tensors, their element types and shapes, and the recording engine behind automatic differentiation.
 *
 * <ul>
 *   <li>{@link org.bilevel4j.api.tensor.Tensor}: immutable rank 0–2 tensors with validated operations;</li>
 *   <li>{@link org.bilevel4j.api.tensor.Backend}: a resolved backend and the factories that create tensors on it;</li>
 *   <li>{@link org.bilevel4j.api.tensor.Trace}: one level of reverse-mode differentiation, with no global tape;</li>
 *   <li>the primitive kernels a backend provides are the SPI, in {@link org.bilevel4j.api.backend}.</li>
 * </ul>
 *
 * <p>Differentiation works per primitive: each primitive knows its value (a kernel call) and its
 * vector-Jacobian product, which is written with tensor operations and is therefore differentiable again.
 * Nothing below {@code Kernels} knows about derivatives, so every backend gets autodiff of every order.
 */
package org.bilevel4j.api.tensor;

import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.Storage;
