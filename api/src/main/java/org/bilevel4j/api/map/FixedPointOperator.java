package org.bilevel4j.api.map;

import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import org.bilevel4j.api.tensor.Tensor;

/**
 * The map &Phi;(&middot;, &lambda;) of a fixed-point equation w = &Phi;(w, &lambda;) (problem (1) of seed 004), carrying
 * what is known of its contraction constant and whether its Jacobian &part;&#8321;&Phi; is symmetric (true for
 * gradient steps on an objective, where &part;&#8321;&Phi; = I - &alpha;&nabla;&sup2;g). Symmetry decides which linear solvers
 * apply to the adjoint system (I - &part;&#8321;&Phi;&#7488;)v = &nabla;&#8321;E: conjugate gradients needs it, and a
 * non-symmetric map needs CG on the normal equations, MINRES or GMRES.
 */
public interface FixedPointOperator extends BivariateMap {

    /**
     * @param outer &lambda;; not modified
     * @return what is known of the contraction constant of &Phi;(&middot;, &lambda;)
     */
    default ContractionInfo contraction(Tensor outer) {
        return ContractionInfo.unknown();
    }

    /** @return true if &part;&#8321;&Phi;(w, &lambda;) is symmetric at every point */
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
     * @param contraction       what is known of q for each &lambda;
     * @param symmetricJacobian whether &part;&#8321;&Phi; is symmetric at every point
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
