package org.bilevel4j.backend.tensorflow;

import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.tensorflow.Operand;
import org.tensorflow.types.family.TNumber;

/**
 * One tensor's values as the output of an eager TensorFlow operation ({@code TFloat64} or {@code TFloat32}), with
 * the logical shape (the TensorFlow shape has the same dimensions) and element type.
 *
 * <p>The native tensor handle belongs to the operation object that the operand refers to; JavaCPP frees it once
 * that object is unreachable, which happens when this storage (and any other storage sharing the operand) is.
 * {@link TensorflowKernels} registers every storage with its {@link org.bilevel4j.api.backend.NativeMemoryGovernor},
 * which counts live storages and their bytes and asks for a collection when native memory outgrows its threshold.
 * Immutable; the kernels never compare storages.
 *
 * @param operand the values
 * @param shape   the logical shape
 * @param dtype   the element type
 */
record TensorflowStorage(Operand<? extends TNumber> operand, Shape shape, DType dtype) implements Storage {
    /** @return the shape and dtype only (the values may live on a device) */
    @Override
    public String toString() {
        return "TensorflowStorage" + shape + " " + dtype;
    }
}
