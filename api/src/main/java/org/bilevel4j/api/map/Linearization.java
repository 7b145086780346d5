package org.bilevel4j.api.map;

import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A two-argument map Φ(w, λ) linearized at one point: its value and its matrix-free partial Jacobians
 * ∂₁Φ = ∂Φ/∂w and ∂₂Φ = ∂Φ/∂λ there.
 *
 * <p>Iterative linear solvers apply the same Jacobian many times; a linearization pays for the forward pass
 * once. Implementations are immutable and thread-safe; no method modifies its arguments.
 */
public interface Linearization {

    /** @return Φ(w, λ) at the linearization point */
    Tensor value();

    /**
     * The memory that keeping this linearization keeps alive, for callers that decide between keeping
     * linearizations and recomputing them (e.g. reverse-mode iterative differentiation and its tape): the
     * bytes of the recorded intermediate values and the value, excluding the linearization point and tensors
     * that existed before (data).
     *
     * @return the bytes, or -1 where unknown (the default, e.g. a hand-written linearization)
     */
    default long retainedBytes() {
        return -1;
    }

    /**
     * Both partial vector-Jacobian products from one backward pass.
     *
     * @param cotangent c, of the shape of the value
     * @return (∂₁Φᵀc, ∂₂Φᵀc), of the shapes of w and λ
     */
    PartialGradients vjp(Tensor cotangent);

    /**
     * @param cotangent c, of the shape of the value
     * @return ∂₁Φᵀc only (implementations skip the λ part)
     */
    default Tensor vjpInner(Tensor cotangent) {
        return vjp(cotangent).inner();
    }

    /**
     * Jacobian-vector product in both arguments.
     *
     * @param tangentInner u, of the shape of w, or null for zero
     * @param tangentOuter s, of the shape of λ, or null for zero
     * @return ∂₁Φ u + ∂₂Φ s
     * @throws UnsupportedCapabilityException if the map provides reverse mode only
     */
    default Tensor jvp(Tensor tangentInner, Tensor tangentOuter) {
        throw new UnsupportedCapabilityException("jvp: this hand-written linearization provides VJPs only; "
                + "override Linearization.jvp, or build the map from a tensor lambda to get JVPs by autodiff");
    }

    /**
     * @param tangentInner u, of the shape of w
     * @return ∂₁Φ u
     */
    default Tensor jvpInner(Tensor tangentInner) {
        return jvp(tangentInner, null);
    }
}
