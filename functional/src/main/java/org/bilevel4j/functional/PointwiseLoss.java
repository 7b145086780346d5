package org.bilevel4j.functional;

import org.bilevel4j.api.tensor.Tensor;

/**
 * A pointwise loss l(w, v, x, y) of the outer parameter w ∈ ℝᵈ, the prediction v = h(x) ∈ ℝ^{d_v}, the input x
 * and the target y, evaluated on a batch: one value per row. Written with tensor operations, so that every
 * derivative FuncID needs (∂_v l, the output Hessian ∂²_v l, ∂_w l and the cross derivative ∂_{w,v} l) comes from
 * autodiff. The loss must be separable over rows: row i's value may depend only on row i of v, x and y.
 */
public interface PointwiseLoss {

    /** @return d_v, the dimension of the predictions v */
    int outputDimension();

    /**
     * @param w the outer parameter, shape [d] (possibly traced)
     * @param v predictions, shape [n, d_v] (possibly traced)
     * @param x inputs, shape [n, d_x]
     * @param y targets, shape [n, d_y]
     * @return the n losses, shape [n]
     */
    Tensor values(Tensor w, Tensor v, Tensor x, Tensor y);

    /** The row-wise function of a loss. */
    @FunctionalInterface
    interface Function {
        /**
         * @param w the outer parameter [d]
         * @param v predictions [n, d_v]
         * @param x inputs [n, d_x]
         * @param y targets [n, d_y]
         * @return the n losses [n]
         */
        Tensor apply(Tensor w, Tensor v, Tensor x, Tensor y);
    }

    /**
     * @param outputDimension d_v ≥ 1
     * @param f               the row-wise losses
     * @return the loss
     */
    static PointwiseLoss of(int outputDimension, Function f) {
        java.util.Objects.requireNonNull(f, "f");
        if (outputDimension < 1) {
            throw new IllegalArgumentException("outputDimension: expected d_v ≥ 1, got " + outputDimension);
        }
        return new PointwiseLoss() {
            @Override
            public int outputDimension() {
                return outputDimension;
            }

            @Override
            public Tensor values(Tensor w, Tensor v, Tensor x, Tensor y) {
                return f.apply(w, v, x, y);
            }
        };
    }
}
