package org.bilevel4j.backend.tensorflow;

import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.DType;
import org.bilevel4j.api.tensor.Shape;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TNumber;

/**
 * One tensor's values as the output of an eager TensorFlow operation ({@code TFloat64} or {@code TFloat32}), with
 * the logical shape (the TensorFlow shape has the same dimensions) and element type.
 *
 * <p>The native tensor handle belongs to the operation object that the operand refers to; JavaCPP frees it once
 * that object is unreachable, which happens when this storage (and any other storage sharing the operand) is.
 * {@link TensorflowKernels} counts live storages and their bytes with a {@link java.lang.ref.Cleaner} and asks
 * for a collection when native memory outgrows its threshold. Immutable.
 */
final class TensorflowStorage implements Storage {
    final Operand<? extends TNumber> operand;
    private final Shape shape;
    private final DType dtype;

    TensorflowStorage(Operand<? extends TNumber> operand, Shape shape, DType dtype) {
        this.operand = operand;
        this.shape = shape;
        this.dtype = dtype;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public String toString() {
        return "TensorflowStorage" + shape + " " + dtype;
    }
}
