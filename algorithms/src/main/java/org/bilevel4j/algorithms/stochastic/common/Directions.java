package org.bilevel4j.algorithms.stochastic.common;

import java.util.Objects;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The three directions of the single-loop framework of Dagréou, Ablin, Vaiter, Moreau, "A framework for bilevel
 * optimization that enables stochastic and global variance reduction algorithms", NeurIPS 2022, in the library's
 * sign convention (v ≈ +[∇²_ww g]⁻¹ ∇_w f):
 * <pre>
 *   D_w = ∇_w g(w, λ)                      (towards w*(λ))
 *   D_v = ∇²_ww g(w, λ)·v − ∇_w f(w, λ)    (gradient of the quadratic ½⟨v, ∇²_ww g v⟩ − ⟨∇_w f, v⟩, towards v*(λ))
 *   D_λ = ∇_λ f(w, λ) − ∇²_λw g(w, λ)·v    (equal to ∇Φ(λ) at (w*(λ), v*(λ)))
 * </pre>
 * They are linear in f and g, so a batch of inner samples and a batch of outer samples give unbiased estimates of
 * all three at a fixed point.
 *
 * @param inner   D_w
 * @param adjoint D_v
 * @param outer   D_λ
 */
public record Directions(Tensor inner, Tensor adjoint, Tensor outer) {

    /** Checks the arguments. */
    public Directions {
        Objects.requireNonNull(inner, "inner");
        Objects.requireNonNull(adjoint, "adjoint");
        Objects.requireNonNull(outer, "outer");
    }

    /**
     * @param innerProducts ∇_w g_B, ∇²_ww g_B·v, ∇²_λw g_B·v on an inner batch B
     * @param outerGradient (∇_w f_J, ∇_λ f_J) on an outer batch J
     * @return the directions
     */
    public static Directions of(SecondOrderProducts innerProducts, PartialGradients outerGradient) {
        return new Directions(innerProducts.gradient(),
                innerProducts.hessianVector().sub(outerGradient.inner()),
                outerGradient.outer().sub(innerProducts.crossVector()));
    }

    /**
     * @param other directions of the same shapes
     * @return this + other
     */
    public Directions plus(Directions other) {
        return new Directions(inner.add(other.inner), adjoint.add(other.adjoint), outer.add(other.outer));
    }

    /**
     * @param other directions of the same shapes
     * @return this − other
     */
    public Directions minus(Directions other) {
        return new Directions(inner.sub(other.inner), adjoint.sub(other.adjoint), outer.sub(other.outer));
    }
}
