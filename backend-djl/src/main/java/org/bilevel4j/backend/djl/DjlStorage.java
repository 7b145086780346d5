package org.bilevel4j.backend.djl;

import ai.djl.ndarray.NDArray;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.DType;
import org.bilevel4j.api.tensor.Shape;

/**
 * One tensor's values as a DJL {@link NDArray}. The array is released (its native memory freed) by a
 * {@link java.lang.ref.Cleaner} when this storage becomes unreachable; {@link DjlKernels} counts the live arrays
 * and their bytes and asks for a collection when native memory outgrows its threshold.
 */
final class DjlStorage implements Storage {
    final NDArray array;
    private final Shape shape;
    private final DType dtype;

    DjlStorage(NDArray array, Shape shape, DType dtype) {
        this.array = array;
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
}
