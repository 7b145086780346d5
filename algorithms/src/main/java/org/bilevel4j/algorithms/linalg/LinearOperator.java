package org.bilevel4j.algorithms.linalg;

import java.util.Objects;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.error.UnsupportedCapabilityException;
import org.bilevel4j.api.tensor.Tensor;

/**
 * A matrix-free linear operator v ↦ Av on tensors of one shape (vectors, or matrices for equilibrium states).
 * The matrix is never formed. For AID the operator is A = I - ∂₁Φᵀ (one VJP per application) and its
 * transpose I - ∂₁Φ (one JVP).
 */
public interface LinearOperator {

    /**
     * @param v a tensor of the operator's shape; not modified
     * @return Av
     */
    Tensor apply(Tensor v);

    /**
     * @param v a tensor of the operator's shape; not modified
     * @return Aᵀv
     * @throws UnsupportedCapabilityException if the operator has no transpose
     */
    default Tensor applyTranspose(Tensor v) {
        if (isSymmetric()) {
            return apply(v);
        }
        throw new UnsupportedCapabilityException("applyTranspose: this operator provides Av only; solvers that need "
                + "A^T v (CG on the normal equations) need an operator built with a transpose");
    }

    /** @return true if Aᵀv can be applied */
    default boolean hasTranspose() {
        return isSymmetric();
    }

    /** @return true if A is declared symmetric */
    default boolean isSymmetric() {
        return false;
    }

    /**
     * @param apply v ↦ Av
     * @param symmetric whether A is symmetric
     * @return the operator
     */
    static LinearOperator of(UnaryOperator<Tensor> apply, boolean symmetric) {
        Objects.requireNonNull(apply, "apply");
        return new LinearOperator() {
            @Override
            public Tensor apply(Tensor v) {
                return apply.apply(v);
            }

            @Override
            public boolean isSymmetric() {
                return symmetric;
            }
        };
    }

    /**
     * @param apply     v ↦ Av
     * @param transpose v ↦ Aᵀv
     * @return a non-symmetric operator with a transpose
     */
    static LinearOperator of(UnaryOperator<Tensor> apply, UnaryOperator<Tensor> transpose) {
        Objects.requireNonNull(apply, "apply");
        Objects.requireNonNull(transpose, "transpose");
        return new LinearOperator() {
            @Override
            public Tensor apply(Tensor v) {
                return apply.apply(v);
            }

            @Override
            public Tensor applyTranspose(Tensor v) {
                return transpose.apply(v);
            }

            @Override
            public boolean hasTranspose() {
                return true;
            }
        };
    }

    /**
     * Tikhonov damping.
     *
     * @param rho ρ ≥ 0
     * @return A + ρI (symmetric and transposable exactly when A is)
     */
    default LinearOperator damped(double rho) {
        if (!(rho >= 0) || !Double.isFinite(rho)) {
            throw new IllegalArgumentException("rho: expected a finite value >= 0, got " + rho);
        }
        if (rho == 0) {
            return this;
        }
        LinearOperator a = this;
        return new LinearOperator() {
            @Override
            public Tensor apply(Tensor v) {
                return a.apply(v).add(v.mul(rho));
            }

            @Override
            public Tensor applyTranspose(Tensor v) {
                return a.applyTranspose(v).add(v.mul(rho));
            }

            @Override
            public boolean hasTranspose() {
                return a.hasTranspose();
            }

            @Override
            public boolean isSymmetric() {
                return a.isSymmetric();
            }
        };
    }
}
