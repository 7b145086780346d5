package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * The partial derivatives of a two-argument function f(w, &lambda;) at one point (or, for a vector-valued map,
 * the two partial vector-Jacobian products of one cotangent).
 *
 * @param inner &part;/&part;w, of the shape of w (the inner variable)
 * @param outer &part;/&part;&lambda;, of the shape of &lambda; (the outer variable)
 */
public record PartialGradients(Tensor inner, Tensor outer) {
}
