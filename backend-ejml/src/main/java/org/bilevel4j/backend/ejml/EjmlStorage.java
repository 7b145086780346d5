package org.bilevel4j.backend.ejml;

import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;

/**
 * Row-major values of one tensor: a {@code double[]} for float64 or a {@code float[]} for float32, viewed as the
 * shape's matrix (a vector [n] is a 1×n row). Immutable: kernels never write to an existing storage, so
 * reshapes share the array.
 */
final class EjmlStorage implements Storage {
    private final Shape shape;
    private final DType dtype;
    private final double[] d;
    private final float[] f;

    private EjmlStorage(Shape shape, double[] d, float[] f) {
        this.shape = shape;
        this.d = d;
        this.f = f;
        this.dtype = d != null ? DType.FLOAT64 : DType.FLOAT32;
    }

    /** Takes ownership of {@code values} for float64; rounds them into a new array for float32. */
    static EjmlStorage of(double[] values, Shape shape, DType dtype) {
        if (dtype == DType.FLOAT64) {
            return new EjmlStorage(shape, values, null);
        }
        float[] g = new float[values.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) values[i];
        }
        return new EjmlStorage(shape, null, g);
    }

    static EjmlStorage ofFloats(float[] values, Shape shape) {
        return new EjmlStorage(shape, null, values);
    }

    static EjmlStorage of(DMatrixRMaj m, Shape shape) {
        return new EjmlStorage(shape, m.data, null);
    }

    static EjmlStorage of(FMatrixRMaj m, Shape shape) {
        return new EjmlStorage(shape, null, m.data);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    int size() {
        return shape.size();
    }

    /** @return the float64 values (the backing array itself: never modify), or a widened copy of float32 values */
    double[] doubles() {
        if (d != null) {
            return d;
        }
        double[] g = new double[f.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = f[i];
        }
        return g;
    }

    /** @return the float32 values (the backing array itself: never modify); only for float32 storages */
    float[] floats() {
        return f;
    }

    double get(int index) {
        return d != null ? d[index] : f[index];
    }

    /** A view with another shape of the same size, sharing the values. */
    EjmlStorage withShape(Shape newShape) {
        return new EjmlStorage(newShape, d, f);
    }

    DMatrixRMaj dmatrix() {
        return DMatrixRMaj.wrap(shape.rows(), shape.cols(), d);
    }

    FMatrixRMaj fmatrix() {
        return FMatrixRMaj.wrap(shape.rows(), shape.cols(), f);
    }
}
