package org.bilevel4j.api.backend;

import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A naive implementation of {@link Kernels}: the specification oracle for backend conformance tests and the
 * backend of the api module's own tests. Every kernel is a plain loop over row-major {@code double[]} arrays
 * written straight from the definition in {@link Kernels}, with the scalar functions {@link UnaryOp#apply} and
 * {@link BinaryOp#apply}; results are computed in double precision and, for float32, rounded to float once at
 * the end. There are no fast paths, so the code can be checked by reading it; it is slow (matrix products are
 * triple loops) and meant for small tensors.
 *
 * <p>Details the interface leaves open are fixed as follows: log-sum-exp subtracts the maximum first (an all −∞
 * input gives −∞, a +∞ element gives +∞); the reductions of an empty group are 0 (sum), −∞ (max, log-sum-exp) and
 * +∞ (min); a dense solve is Gaussian elimination with partial pivoting, and a singular matrix gives NaN or
 * infinite entries.
 *
 * <p>Not registered with {@link java.util.ServiceLoader}: {@link org.bilevel4j.api.tensor.Backends} never selects
 * it. Use {@link #backend()} to compute with it. Stateless and thread-safe; storages are immutable.
 */
public final class ReferenceKernels implements Kernels {

    /**
     * The values of one reference tensor: a private row-major copy, already rounded to the dtype.
     *
     * @param v     the values
     * @param shape the shape
     * @param dtype the element type
     */
    private record Values(double[] v, Shape shape, DType dtype) implements Storage {
    }


    // ---------------------------------------------------------------- helpers

    /** The one place where results are made: rounds to float32 when asked. */
    private static Values make(double[] v, Shape shape, DType dtype) {
        if (v.length != shape.size()) {
            throw new IllegalArgumentException("values: expected " + shape.size() + " for shape " + shape + ", got "
                    + v.length);
        }
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) v[i];
            }
        }
        return new Values(v, shape, dtype);
    }

    private static double[] values(Storage s) {
        return ((Values) s).v();
    }

    /** Rows of the matrix view: 1 for ranks 0 and 1. */
    private static int rows(Shape s) {
        return s.rank() == 2 ? s.dim(0) : 1;
    }

    /** Columns of the matrix view: 1 for a scalar, the last dim otherwise. */
    private static int cols(Shape s) {
        return s.rank() == 0 ? 1 : s.dim(s.rank() - 1);
    }

    /** Row-major index in an operand of shape {@code s} of the output element (r, c), with broadcasting. */
    private static int broadcastIndex(Shape s, int r, int c) {
        int rr = rows(s) == 1 ? 0 : r;
        int cc = cols(s) == 1 ? 0 : c;
        return rr * cols(s) + cc;
    }

    /** @return f applied to every value of {@code a}, with a's shape and dtype */
    private static Storage map(Storage a, DoubleUnaryOperator f) {
        double[] x = values(a);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return make(y, a.shape(), a.dtype());
    }

    /** The value of output element (r, c) of a broadcasting kernel. */
    @FunctionalInterface
    private interface Element {
        double at(int r, int c);
    }

    /** @return the row-major values of {@code out}, element (r, c) given by {@code element} */
    private static double[] broadcast(Shape out, Element element) {
        int rows = rows(out);
        int cols = cols(out);
        double[] z = new double[out.size()];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                z[r * cols + c] = element.at(r, c);
            }
        }
        return z;
    }

    // ---------------------------------------------------------------- creation and copy-out

    @Override
    public Storage fromDoubles(double[] values, Shape shape, DType dtype) {
        return make(values.clone(), shape, dtype);
    }

    @Override
    public Storage full(Shape shape, DType dtype, double value) {
        return make(broadcast(shape, (r, c) -> value), shape, dtype);
    }

    @Override
    public Storage identity(int n, DType dtype) {
        return make(broadcast(Shape.of(n, n), (r, c) -> r == c ? 1 : 0), Shape.of(n, n), dtype);
    }

    @Override
    public double[] toDoubles(Storage a) {
        return values(a).clone();
    }

    @Override
    public double get(Storage a, int index) {
        return values(a)[index];
    }

    @Override
    public Storage cast(Storage a, DType dtype) {
        return make(values(a).clone(), a.shape(), dtype);
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public Storage unary(UnaryOp op, Storage a) {
        return map(a, op::apply);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape) {
        double[] x = values(a);
        double[] y = values(b);
        return make(broadcast(outShape, (r, c) -> op.apply(x[broadcastIndex(a.shape(), r, c)],
                y[broadcastIndex(b.shape(), r, c)])), outShape, a.dtype());
    }

    @Override
    public Storage affine(Storage a, double scale, double shift) {
        return map(a, x -> scale * x + shift);
    }

    @Override
    public Storage pow(Storage a, double exponent) {
        return map(a, x -> Math.pow(x, exponent));
    }

    @Override
    public Storage where(Storage mask, Storage a, Storage b, Shape outShape) {
        double[] m = values(mask);
        double[] x = values(a);
        double[] y = values(b);
        return make(broadcast(outShape, (r, c) -> m[broadcastIndex(mask.shape(), r, c)] != 0
                ? x[broadcastIndex(a.shape(), r, c)] : y[broadcastIndex(b.shape(), r, c)]), outShape, a.dtype());
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB) {
        double[] x = values(a);
        double[] y = values(b);
        int aCols = a.shape().dim(1);
        int bCols = b.shape().dim(1);
        int m = transposeA ? a.shape().dim(1) : a.shape().dim(0);
        int k = transposeA ? a.shape().dim(0) : a.shape().dim(1);
        int n = transposeB ? b.shape().dim(0) : b.shape().dim(1);
        double[] z = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double aip = transposeA ? x[p * aCols + i] : x[i * aCols + p];
                    double bpj = transposeB ? y[j * bCols + p] : y[p * bCols + j];
                    s += aip * bpj;
                }
                z[i * n + j] = s;
            }
        }
        return make(z, Shape.of(m, n), a.dtype());
    }

    @Override
    public Storage transpose(Storage a) {
        double[] x = values(a);
        int rows = a.shape().dim(0);
        int cols = a.shape().dim(1);
        double[] t = new double[x.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = x[i * cols + j];
            }
        }
        return make(t, Shape.of(cols, rows), a.dtype());
    }

    @Override
    public Storage dot(Storage a, Storage b) {
        double[] x = values(a);
        double[] y = values(b);
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return make(new double[] {s}, Shape.scalar(), a.dtype());
    }

    /** Gaussian elimination with partial pivoting on [A | B], then back substitution. */
    @Override
    public Storage solve(Storage a, Storage b) {
        int n = a.shape().dim(0);
        int k = b.shape().rank() == 1 ? 1 : b.shape().dim(1);
        double[] av = values(a);
        double[] bv = values(b);
        double[][] m = new double[n][n + k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = av[i * n + j];
            }
            for (int j = 0; j < k; j++) {
                m[i][n + j] = bv[i * k + j];
            }
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int i = col + 1; i < n; i++) {
                if (Math.abs(m[i][col]) > Math.abs(m[pivot][col])) {
                    pivot = i;
                }
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int i = col + 1; i < n; i++) {
                double f = m[i][col] / m[col][col];
                for (int j = col; j < n + k; j++) {
                    m[i][j] -= f * m[col][j];
                }
            }
        }
        double[] x = new double[n * k];
        for (int j = 0; j < k; j++) {
            for (int i = n - 1; i >= 0; i--) {
                double s = m[i][n + j];
                for (int p = i + 1; p < n; p++) {
                    s -= m[i][p] * x[p * k + j];
                }
                x[i * k + j] = s / m[i][i];
            }
        }
        return make(x, b.shape(), a.dtype());
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape) {
        double[] x = values(a);
        Shape s = a.shape();
        if (axis == -1 || s.rank() <= 1) {
            return make(new double[] {reduceGroup(op, x)}, outShape, a.dtype());
        }
        int rows = s.dim(0);
        int cols = s.dim(1);
        int groups = axis == 0 ? cols : rows;
        int length = axis == 0 ? rows : cols;
        double[] y = new double[groups];
        for (int g = 0; g < groups; g++) {
            double[] group = new double[length];
            for (int i = 0; i < length; i++) {
                group[i] = axis == 0 ? x[i * cols + g] : x[g * cols + i];
            }
            y[g] = reduceGroup(op, group);
        }
        return make(y, outShape, a.dtype());
    }

    private static double reduceGroup(ReduceOp op, double[] v) {
        switch (op) {
            case SUM: {
                double s = 0;
                for (double x : v) {
                    s += x;
                }
                return s;
            }
            case MAX: {
                double m = Double.NEGATIVE_INFINITY;
                for (double x : v) {
                    m = Math.max(m, x);
                }
                return m;
            }
            case MIN: {
                double m = Double.POSITIVE_INFINITY;
                for (double x : v) {
                    m = Math.min(m, x);
                }
                return m;
            }
            case LOG_SUM_EXP: {
                double m = reduceGroup(ReduceOp.MAX, v);
                if (Double.isInfinite(m) || Double.isNaN(m)) {
                    return m;
                }
                double s = 0;
                for (double x : v) {
                    s += Math.exp(x - m);
                }
                return m + Math.log(s);
            }
            default:
                throw new IllegalArgumentException("op: expected a ReduceOp, got " + op);
        }
    }

    // ---------------------------------------------------------------- shape

    @Override
    public Storage reshape(Storage a, Shape shape) {
        return make(values(a).clone(), shape, a.dtype());
    }

    @Override
    public Storage broadcastTo(Storage a, Shape shape) {
        double[] x = values(a);
        return make(broadcast(shape, (r, c) -> x[broadcastIndex(a.shape(), r, c)]), shape, a.dtype());
    }

    @Override
    public Storage slice(Storage a, int axis, int start, int end) {
        double[] x = values(a);
        Shape s = a.shape();
        if (s.rank() == 1) {
            double[] y = new double[end - start];
            for (int i = start; i < end; i++) {
                y[i - start] = x[i];
            }
            return make(y, Shape.of(end - start), a.dtype());
        }
        int rows = s.dim(0);
        int cols = s.dim(1);
        int outRows = axis == 0 ? end - start : rows;
        int outCols = axis == 1 ? end - start : cols;
        int rowOffset = axis == 0 ? start : 0;
        int colOffset = axis == 1 ? start : 0;
        double[] y = new double[outRows * outCols];
        for (int r = 0; r < outRows; r++) {
            for (int c = 0; c < outCols; c++) {
                y[r * outCols + c] = x[(r + rowOffset) * cols + (c + colOffset)];
            }
        }
        return make(y, Shape.of(outRows, outCols), a.dtype());
    }

    @Override
    public Storage pad(Storage a, int axis, int offset, Shape outShape) {
        double[] x = values(a);
        double[] y = new double[outShape.size()];
        Shape s = a.shape();
        if (s.rank() == 1) {
            for (int i = 0; i < x.length; i++) {
                y[offset + i] = x[i];
            }
            return make(y, outShape, a.dtype());
        }
        int cols = s.dim(1);
        int outCols = outShape.dim(1);
        for (int r = 0; r < s.dim(0); r++) {
            for (int c = 0; c < cols; c++) {
                int rr = axis == 0 ? r + offset : r;
                int cc = axis == 1 ? c + offset : c;
                y[rr * outCols + cc] = x[r * cols + c];
            }
        }
        return make(y, outShape, a.dtype());
    }

    @Override
    public Storage gather(Storage a, int[] indices) {
        double[] x = values(a);
        int block = a.shape().rank() == 1 ? 1 : a.shape().dim(1);
        double[] y = new double[indices.length * block];
        for (int i = 0; i < indices.length; i++) {
            for (int c = 0; c < block; c++) {
                y[i * block + c] = x[indices[i] * block + c];
            }
        }
        Shape out = a.shape().rank() == 1 ? Shape.of(indices.length) : Shape.of(indices.length, block);
        return make(y, out, a.dtype());
    }

    @Override
    public Storage scatterAdd(Storage a, int[] indices, Shape outShape) {
        double[] x = values(a);
        int block = outShape.rank() == 1 ? 1 : outShape.dim(1);
        double[] y = new double[outShape.size()];
        for (int i = 0; i < indices.length; i++) {
            for (int c = 0; c < block; c++) {
                y[indices[i] * block + c] += x[i * block + c];
            }
        }
        return make(y, outShape, a.dtype());
    }

    @Override
    public Storage concat(List<Storage> parts, int axis, Shape outShape) {
        double[] y = new double[outShape.size()];
        int outCols = outShape.rank() == 1 ? outShape.dim(0) : outShape.dim(1);
        int rowOffset = 0;
        int colOffset = 0;
        for (Storage p : parts) {
            double[] x = values(p);
            int rows = rows(p.shape());
            int cols = cols(p.shape());
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    y[(r + rowOffset) * outCols + (c + colOffset)] = x[r * cols + c];
                }
            }
            if (axis == 0 && outShape.rank() == 2) {
                rowOffset += rows;
            } else {
                colOffset += cols;
            }
        }
        return make(y, outShape, parts.get(0).dtype());
    }
}
