package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * A two-argument scalar function's value and both partial gradients at one point, from one forward and one
 * backward pass.
 *
 * @param value f(w, λ), a scalar tensor
 * @param inner ∇_w f
 * @param outer ∇_λ f
 */
public record ValueAndPartials(Tensor value, Tensor inner, Tensor outer) {

    /** @return the two partial gradients */
    public PartialGradients gradient() {
        return new PartialGradients(inner, outer);
    }
}
