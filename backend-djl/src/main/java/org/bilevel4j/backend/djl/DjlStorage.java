package org.bilevel4j.backend.djl;

import ai.djl.ndarray.NDArray;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * One tensor's values as a DJL {@link NDArray}, with the logical shape and element type. The array is released
 * (its native memory freed) once this storage becomes unreachable: {@link DjlKernels} registers every storage with
 * its {@link org.bilevel4j.api.backend.NativeMemoryGovernor}. The kernels never compare storages.
 *
 * @param array the values
 * @param shape the logical shape
 * @param dtype the element type
 */
record DjlStorage(NDArray array, Shape shape, DType dtype) implements Storage {
    /** @return the shape and dtype only (the values may live on a device) */
    @Override
    public String toString() {
        return "DjlStorage" + shape + " " + dtype;
    }
}
