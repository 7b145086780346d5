package org.bilevel4j.api.backend;

import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * The default {@link Kernels#linearModelLoss} and {@link Kernels#linearModelHvp}: the same quantities composed of
 * a backend's own matrix–vector, element-wise and reduction kernels (the value and gradient read X twice, the
 * Hessian-vector product three times: X w, X v, Xᵀ; a fused kernel reads it once for each).
 */
final class ComposedLinearModel {
    private ComposedLinearModel() {
    }

    static Storage[] lossAndGradient(Kernels k, LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b,
            boolean gradient) {
        Storage a = argument(k, x, w, c, b);
        Storage phi = switch (loss) {
            case LOGISTIC -> k.unary(UnaryOp.SOFTPLUS, a);
            case SQUARED -> k.affine(k.unary(UnaryOp.SQUARE, a), 0.5, 0);
        };
        Storage value = k.reduce(ReduceOp.SUM, phi, -1, Shape.scalar());
        if (!gradient) {
            return new Storage[] {value, null};
        }
        Storage first = switch (loss) {
            case LOGISTIC -> k.unary(UnaryOp.SIGMOID, a);
            case SQUARED -> a;
        };
        return new Storage[] {value, transposeTimes(k, x, k.binary(BinaryOp.MUL, c, first, c.shape()))};
    }

    static Storage hvp(Kernels k, LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b, Storage v) {
        Storage weight = k.binary(BinaryOp.MUL, c, c, c.shape());
        if (loss == LinearModelLoss.LOGISTIC) {
            Storage s = k.unary(UnaryOp.SIGMOID, argument(k, x, w, c, b));
            Storage second = k.binary(BinaryOp.MUL, s, k.affine(s, -1, 1), s.shape());
            weight = k.binary(BinaryOp.MUL, weight, second, c.shape());
        }
        return transposeTimes(k, x, k.binary(BinaryOp.MUL, weight, times(k, x, v), c.shape()));
    }

    /** a = c ⊙ (X w) + b, b null for zero. */
    private static Storage argument(Kernels k, Storage x, Storage w, Storage c, Storage b) {
        Storage a = k.binary(BinaryOp.MUL, c, times(k, x, w), c.shape());
        return b == null ? a : k.binary(BinaryOp.ADD, a, b, c.shape());
    }

    /** X v as a vector. */
    private static Storage times(Kernels k, Storage x, Storage v) {
        int n = x.shape().dim(0);
        int d = x.shape().dim(1);
        return k.reshape(k.matmul(x, false, k.reshape(v, Shape.of(d, 1)), false), Shape.of(n));
    }

    /** Xᵀ u as a vector. */
    private static Storage transposeTimes(Kernels k, Storage x, Storage u) {
        int n = x.shape().dim(0);
        int d = x.shape().dim(1);
        return k.reshape(k.matmul(x, true, k.reshape(u, Shape.of(n, 1)), false), Shape.of(d));
    }
}
