/**
 * The element types and shapes of tensors: {@link org.bilevel4j.api.tensor.types.DType} (float64, the default, and
 * float32) and {@link org.bilevel4j.api.tensor.types.Shape} (rank 0–2, with broadcasting), and
 * {@link org.bilevel4j.api.tensor.types.LinearModelLoss} (the per-sample function of {@code Tensor.linearModelLoss}).
 * They sit below both the tensors and the backend SPI, which speak of them.
 */
package org.bilevel4j.api.tensor.types;
