package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * The partial derivatives of a two-argument function f(w, λ) at one point (or, for a vector-valued map,
 * the two partial vector-Jacobian products of one cotangent).
 *
 * @param inner ∂/∂w, of the shape of w (the inner variable)
 * @param outer ∂/∂λ, of the shape of λ (the outer variable)
 */
public record PartialGradients(Tensor inner, Tensor outer) {
}
