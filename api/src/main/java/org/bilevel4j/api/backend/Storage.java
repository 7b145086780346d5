package org.bilevel4j.api.backend;

import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * The values of one concrete tensor, owned by a backend (an EJML matrix, a DJL {@code NDArray}, a TensorFlow
 * tensor...). Part of the backend SPI: users never see storages, only {@link Tensor}s.
 *
 * <p>A storage is immutable once a kernel has returned it: kernels never modify their arguments, so
 * storages may share memory (a reshape can return a view of the same data).
 */
public interface Storage {
    /** @return the logical shape of the tensor these values belong to */
    Shape shape();

    /** @return the element type */
    DType dtype();
}
