package org.bilevel4j.api.tensor;

import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.Shape;

/** A reduction over one axis or all elements, with its vector-Jacobian product. */
final class Reduction extends Primitive {
    private final ReduceOp op;
    private final int axis;

    /**
     * @param op   the reduction
     * @param axis the logical axis, or -1 for all elements
     */
    Reduction(ReduceOp op, int axis) {
        super(op.name().toLowerCase(java.util.Locale.ROOT));
        this.op = op;
        this.axis = axis;
    }

    /** @return the shape of reducing {@code in} over {@code axis} (-1: all elements) */
    static Shape reducedShape(Shape in, int axis) {
        if (axis < 0 || in.rank() == 1) {
            return Shape.scalar();
        }
        return Shape.of(in.dim(1 - axis));
    }

    /** Reshapes a reduced tensor so that it broadcasts against the input again (keep-dims form). */
    static Tensor keepDims(Tensor reduced, Shape in, int axis) {
        if (axis == 1 && in.rank() == 2) {
            return reduced.reshape(in.dim(0), 1);
        }
        return reduced; // scalars and [n] already broadcast against [n] and [m, n] (axis 0)
    }

    @Override
    Storage forward(Kernels k, Storage[] in) {
        return k.reduce(op, in[0], axis, reducedShape(in[0].shape(), axis));
    }

    @Override
    Tensor[] vjp(Tensor ct, Tensor[] in, Tensor out, boolean[] need) {
        Tensor x = in[0];
        Tensor ctk = keepDims(ct, x.shape(), axis);
        Tensor g = switch (op) {
            case SUM -> ctk.broadcastTo(x.shape());
            case MAX, MIN -> {
                // the cotangent is shared equally between tied extrema; mask and counts are constants
                Tensor mask = x.eq(keepDims(out, x.shape(), axis));
                Tensor count = axis < 0 ? mask.sum() : mask.sum(axis, true);
                yield mask.mul(ctk.div(count));
            }
            case LOG_SUM_EXP -> ctk.mul(x.sub(keepDims(out, x.shape(), axis)).exp());
        };
        return new Tensor[] {g};
    }
}
