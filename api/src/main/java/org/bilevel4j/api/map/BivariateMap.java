package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.BinaryOperator;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A differentiable map of two arguments, Φ(w, λ), where w is the inner (state) variable and λ
 * the outer (hyper)parameter: the fixed-point maps of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020,
 * or the gradient ∇_w g(w, λ) of an inner
 * objective. Its derivatives are reached through {@link #linearize}.
 *
 * <p>Build one from a tensor lambda with {@link #of} or implement it by hand (matrix-free), providing a
 * {@link Linearization}. Implementations must not modify their arguments.
 */
public interface BivariateMap {

    /**
     * @param inner  w; not modified
     * @param outer  λ; not modified
     * @return Φ(w, λ)
     */
    Tensor apply(Tensor inner, Tensor outer);

    /**
     * @param inner  w; not modified
     * @param outer  λ; not modified
     * @return the value and partial Jacobians of Φ at (w, λ)
     */
    Linearization linearize(Tensor inner, Tensor outer);

    /**
     * @param phi a function written with tensor operations
     * @return the map, differentiated by autodiff (both partial VJPs from one backward pass; JVPs by
     *         differentiating the VJP)
     */
    static BivariateMap of(BinaryOperator<Tensor> phi) {
        return new AutodiffMap(Objects.requireNonNull(phi, "phi"));
    }
}
