package org.bilevel4j.api.autodiff;

import org.bilevel4j.api.tensor.Tensor;

/**
 * What the stochastic bilevel methods need of an inner objective g(w, &lambda;) at one point and one vector v,
 * computed in one pass by {@link Autodiff#secondOrder}.
 *
 * @param value          g(w, &lambda;)
 * @param gradient       &nabla;_w g(w, &lambda;), of the shape of w
 * @param hessianVector  &nabla;&sup2;_ww g(w, &lambda;) v, of the shape of w
 * @param crossVector    &nabla;&sup2;_&lambda;w g(w, &lambda;) v = &part;/&part;&lambda; &lang;&nabla;_w g(w, &lambda;), v&rang;,
 *                       of the shape of &lambda;
 */
public record SecondOrderProducts(Tensor value, Tensor gradient, Tensor hessianVector, Tensor crossVector) {
}
