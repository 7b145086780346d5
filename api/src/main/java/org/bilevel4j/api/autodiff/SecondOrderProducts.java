package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * What the stochastic bilevel methods need of an inner objective g(w, λ) at one point and one vector v,
 * computed in one pass by {@link Autodiff#secondOrder}.
 *
 * @param value          g(w, λ)
 * @param gradient       ∇_w g(w, λ), of the shape of w
 * @param hessianVector  ∇²_ww g(w, λ) v, of the shape of w
 * @param crossVector    ∇²_λw g(w, λ) v = ∂/∂λ ⟨∇_w g(w, λ), v⟩,
 *                       of the shape of λ
 */
public record SecondOrderProducts(Tensor value, Tensor gradient, Tensor hessianVector, Tensor crossVector) {
}
