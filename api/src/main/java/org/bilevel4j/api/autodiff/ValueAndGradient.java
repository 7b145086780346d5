package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * A scalar function's value and gradient at one point.
 *
 * @param value    f(x), a tensor with one element
 * @param gradient ∇f(x), of the shape of x
 */
public record ValueAndGradient(Tensor value, Tensor gradient) {
}
