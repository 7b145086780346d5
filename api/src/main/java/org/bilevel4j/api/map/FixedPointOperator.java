package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The map Φ(·, λ) of a fixed-point equation w = Φ(w, λ) (problem (1) of
 * Grazzi, Franceschi, Pontil, Salzo, "On the Iteration Complexity of Hypergradient Computation", ICML 2020), carrying
 * what is known of its contraction constant and whether its Jacobian ∂₁Φ is symmetric (true for
 * gradient steps on an objective, where ∂₁Φ = I - α∇²g). Symmetry decides which linear solvers
 * apply to the adjoint system (I - ∂₁Φᵀ)v = ∇₁E: conjugate gradients needs it, and a
 * non-symmetric map needs CG on the normal equations, MINRES or GMRES.
 */
public interface FixedPointOperator extends BivariateMap {

    /**
     * @param outer λ; not modified
     * @return what is known of the contraction constant of Φ(·, λ)
     */
    default ContractionInfo contraction(Tensor outer) {
        return ContractionInfo.unknown();
    }

    /** @return true if ∂₁Φ(w, λ) is symmetric at every point */
    default boolean hasSymmetricJacobian() {
        return false;
    }

    /**
     * @param phi a fixed-point map written with tensor operations (no contraction information, Jacobian
     *            assumed non-symmetric)
     * @return the operator
     */
    static FixedPointOperator of(BinaryOperator<Tensor> phi) {
        return of(BivariateMap.of(phi), outer -> ContractionInfo.unknown(), false);
    }

    /**
     * @param map               the map (autodiff or hand-written)
     * @param contraction       what is known of q for each λ
     * @param symmetricJacobian whether ∂₁Φ is symmetric at every point
     * @return the operator
     */
    static FixedPointOperator of(BivariateMap map, Function<Tensor, ContractionInfo> contraction,
            boolean symmetricJacobian) {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(contraction, "contraction");
        return new FixedPointOperator() {
            @Override
            public Tensor apply(Tensor inner, Tensor outer) {
                return map.apply(inner, outer);
            }

            @Override
            public Linearization linearize(Tensor inner, Tensor outer) {
                return map.linearize(inner, outer);
            }

            @Override
            public ContractionInfo contraction(Tensor outer) {
                return contraction.apply(outer);
            }

            @Override
            public boolean hasSymmetricJacobian() {
                return symmetricJacobian;
            }
        };
    }
}
