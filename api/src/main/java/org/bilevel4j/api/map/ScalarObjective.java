package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.BinaryOperator;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.autodiff.ValueAndPartials;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.Trace;

/**
 * A scalar objective of the inner variable w and the outer variable λ: the outer objective E(w, λ) of a
 * bilevel problem, or the inner objective g(w, λ) whose minimizer defines w(λ).
 *
 * <p>Build one from a tensor lambda with {@link #of} (autodiff supplies every derivative) or implement
 * {@link #value} and {@link #gradient} by hand. The second-order methods have defaults that differentiate
 * {@link #gradient} with autodiff, which works whenever the hand-written gradient is written with tensor
 * operations; override {@link #innerGradientMap} to supply Hessian-vector products in closed form. No method
 * modifies its arguments.
 */
public interface ScalarObjective {

    /**
     * @param inner w; not modified
     * @param outer λ; not modified
     * @return the value, a scalar tensor
     */
    Tensor value(Tensor inner, Tensor outer);

    /**
     * @param inner w; not modified
     * @param outer λ; not modified
     * @return (∇_w f, ∇_λ f), from one backward pass
     */
    PartialGradients gradient(Tensor inner, Tensor outer);

    /**
     * @param inner w; not modified
     * @param outer λ; not modified
     * @return the value and both partial gradients (one pass where the implementation allows)
     */
    default ValueAndPartials valueAndGradient(Tensor inner, Tensor outer) {
        PartialGradients g = gradient(inner, outer);
        return new ValueAndPartials(value(inner, outer), g.inner(), g.outer());
    }

    /**
     * The map (w, λ) ↦ ∇_w f(w, λ). The VJP of its linearization at (w, λ) with cotangent v
     * gives the Hessian-vector product ∇²_ww f v and the cross product ∇²_λw f v in one pass.
     *
     * @return the inner-gradient map
     */
    default BivariateMap innerGradientMap() {
        return BivariateMap.of((w, l) -> gradient(w, l).inner());
    }

    /**
     * The fused call of the stochastic methods (SOBA, SABA, AmIGO...): value, ∇_w f, ∇²_ww f v and
     * ∇²_λw f v at one point.
     *
     * @param inner w; not modified
     * @param outer λ; not modified
     * @param v     a tensor of the shape of w; not modified
     * @return the four quantities
     */
    default SecondOrderProducts secondOrder(Tensor inner, Tensor outer, Tensor v) {
        Linearization lin = innerGradientMap().linearize(inner, outer);
        PartialGradients hv = lin.vjp(v);
        return new SecondOrderProducts(value(inner, outer), lin.value(), hv.inner(), hv.outer());
    }

    /**
     * @param f a scalar function of (w, λ) written with tensor operations
     * @return the objective, differentiated by autodiff
     */
    static ScalarObjective of(BinaryOperator<Tensor> f) {
        Objects.requireNonNull(f, "f");
        return new AutodiffObjective(f);
    }

    /**
     * The gradient of f in w, as a differentiable tensor function (used to build inner-gradient maps).
     *
     * @param f     a scalar function of (w, λ)
     * @param inner w
     * @param outer λ
     * @return ∇_w f(w, λ), recorded on any trace that w or λ belong to
     */
    static Tensor innerGradient(BinaryOperator<Tensor> f, Tensor inner, Tensor outer) {
        Trace trace = new Trace();
        Tensor w = trace.variable(inner);
        return trace.gradient(f.apply(w, outer), w);
    }
}
