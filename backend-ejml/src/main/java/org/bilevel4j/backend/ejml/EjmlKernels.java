package org.bilevel4j.backend.ejml;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * The kernels on EJML. Matrix–matrix products, transposes and solves call EJML ({@code CommonOps_DDRM} /
 * {@code CommonOps_FDRM}, and the multi-threaded {@code CommonOps_MT_FDRM} for float32 matrix–matrix products with
 * at least {@link #PARALLEL_FLOPS} multiply-adds). Products whose result is a row or a column (X w, Xᵀ v, vᵀ X, whatever the
 * transpose flags) run on {@link DenseProducts}: four rows at a time, multi-threaded above
 * {@link DenseProducts#PARALLEL_ELEMENTS} elements, never forming a transpose, and bitwise equal to the textbook
 * loop whatever the number of threads; so do float64 products with at most {@link #SKINNY} result rows or columns,
 * and, from {@link #GENERAL_MULTIPLY_ADDS} multiply-adds, all other float64 matrix–matrix products (a cache-blocked
 * kernel; with {@link Simd#ENABLED} its blocks are SIMD, each element then the fused multiply-adds in the order of
 * the inner index). The loss of a linear model and its Hessian-vector product have fused kernels
 * ({@link FusedLinearModel}). Everything element-wise is a plain loop over the row-major arrays, computed in double precision
 * (float32 values are widened, computed and rounded once).
 *
 * <p>Stateless and thread-safe.
 */
final class EjmlKernels implements Kernels {
    /**
     * float32 products with at least this many multiply-adds use EJML's multi-threaded kernels (float64 ones of
     * this size take {@link DenseProducts#matrixTimes}, from {@link #GENERAL_MULTIPLY_ADDS} up).
     */
    static final long PARALLEL_FLOPS = 1L << 21;

    /**
     * float64 products whose result has at most this many rows or columns (X W with a few columns in W, as in
     * multi-class linear models) and at least {@link #SKINNY_MULTIPLY_ADDS} multiply-adds run on
     * {@link DenseProducts}, which reads the large factor once: EJML's kernels were about 2× and 20× slower there
     * (single-threaded, a 60,000 × 784 matrix times 784 × 10: 0.43 s against 0.18–0.25 s, and its transpose times
     * 60,000 × 10: 4.5 s against 0.23–0.28 s).
     */
    static final int SKINNY = 16;

    /** The smallest skinny product (in multiply-adds) taken off EJML; below it the two are equally fast. */
    static final long SKINNY_MULTIPLY_ADDS = 1L << 12;

    /**
     * float64 matrix–matrix products with at least this many multiply-adds (and more than {@link #SKINNY} rows and
     * columns in the result) run on {@link DenseProducts#matrixTimes}, blocked for the caches, split over the cores
     * and bitwise the textbook sums (with {@link Simd#ENABLED}: the fused multiply-add sums of
     * {@link SimdMatrixProduct}): on a 512 × 512 product the scalar kernel took 0.73–0.84× the time of EJML's
     * multi-threaded kernel in alternated JMH runs (BENCHMARKS.md); smaller products stay on EJML's kernels.
     */
    static final long GENERAL_MULTIPLY_ADDS = 1L << 18;

    // ---------------------------------------------------------------- creation and copy-out

    @Override
    public Storage fromDoubles(double[] values, Shape shape, DType dtype) {
        return EjmlStorage.of(values, shape, dtype);
    }

    @Override
    public Storage full(Shape shape, DType dtype, double value) {
        double[] v = new double[shape.size()];
        if (value != 0.0) {
            Arrays.fill(v, value);
        }
        return EjmlStorage.of(v, shape, dtype);
    }

    @Override
    public Storage identity(int n, DType dtype) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1.0;
        }
        return EjmlStorage.of(v, Shape.of(n, n), dtype);
    }

    @Override
    public double[] toDoubles(Storage a) {
        EjmlStorage s = (EjmlStorage) a;
        return s.dtype() == DType.FLOAT64 ? s.doubles().clone() : s.doubles();
    }

    @Override
    public double get(Storage a, int index) {
        return ((EjmlStorage) a).get(index);
    }

    @Override
    public Storage cast(Storage a, DType dtype) {
        EjmlStorage s = (EjmlStorage) a;
        return EjmlStorage.of(s.doubles(), s.shape(), dtype); // storages are immutable: sharing is safe
    }

    private static Storage result(double[] values, Shape shape, DType dtype) {
        return EjmlStorage.of(values, shape, dtype);
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public Storage unary(UnaryOp op, Storage a) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        double[] y = switch (op) {
            case NEG -> map(x, v -> -v);
            case EXP -> map(x, Math::exp);
            case LOG -> map(x, Math::log);
            case LOG1P -> map(x, Math::log1p);
            case EXPM1 -> map(x, Math::expm1);
            case SQRT -> map(x, Math::sqrt);
            case SQUARE -> map(x, v -> v * v);
            case RECIPROCAL -> map(x, v -> 1.0 / v);
            case ABS -> map(x, Math::abs);
            case SIGN -> map(x, Math::signum);
            case STEP -> map(x, v -> v > 0 ? 1.0 : 0.0);
            case TANH -> map(x, Math::tanh);
            case SIGMOID -> sigmoidAll(x);
            case RELU -> map(x, v -> v > 0 ? v : 0.0);
            case SOFTPLUS -> softplusAll(x);
            case SIN -> map(x, Math::sin);
            case COS -> map(x, Math::cos);
        };
        return result(y, s.shape(), s.dtype());
    }

    static double sigmoid(double v) {
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }

    /**
     * softplus(v) = log(1 + eᵛ) = max(v, 0) + log1p(e^−|v|), with log1p on [0, 1] by {@link #log1pUnit}.
     */
    static double softplus(double v) {
        return v > 0 ? v + log1pUnit(Math.exp(-v)) : log1pUnit(Math.exp(v));
    }

    /**
     * log(1 + x) for 0 ≤ x ≤ 1 as log(u)·x/(u − 1) with u = 1 + x rounded (Goldberg, "What every computer scientist
     * should know about floating-point arithmetic", ACM Computing Surveys 1991, Theorem 4): within a few ulps when
     * {@link Math#log} is, and several times cheaper than {@link Math#log1p}, which is not a JIT intrinsic. The
     * logistic losses evaluate it once per sample and per gradient.
     */
    static double log1pUnit(double x) {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.log(u) * (x / (u - 1.0));
    }

    private static double[] softplusAll(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = softplus(x[i]);
        }
        return y;
    }

    private static double[] sigmoidAll(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = sigmoid(x[i]);
        }
        return y;
    }

    private static double[] map(double[] x, DoubleUnaryOperator f) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.applyAsDouble(x[i]);
        }
        return y;
    }

    @Override
    public Storage affine(Storage a, double scale, double shift) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = scale * x[i] + shift;
        }
        return result(y, s.shape(), s.dtype());
    }

    @Override
    public Storage pow(Storage a, double exponent) {
        EjmlStorage s = (EjmlStorage) a;
        return result(map(s.doubles(), v -> Math.pow(v, exponent)), s.shape(), s.dtype());
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape) {
        EjmlStorage sa = (EjmlStorage) a;
        EjmlStorage sb = (EjmlStorage) b;
        double[] x = sa.doubles();
        double[] y = sb.doubles();
        double[] z = arithmetic(op, x, y, outShape.size());
        if (z != null) {
            return result(z, outShape, sa.dtype());
        }
        z = switch (op) {
            case ADD -> combine(x, sa.shape(), y, sb.shape(), outShape, Double::sum);
            case SUB -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u - v);
            case MUL -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u * v);
            case DIV -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u / v);
            case MAX -> combine(x, sa.shape(), y, sb.shape(), outShape, Math::max);
            case MIN -> combine(x, sa.shape(), y, sb.shape(), outShape, Math::min);
            case GT -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u > v ? 1 : 0);
            case GE -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u >= v ? 1 : 0);
            case LT -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u < v ? 1 : 0);
            case LE -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u <= v ? 1 : 0);
            case EQ -> combine(x, sa.shape(), y, sb.shape(), outShape, (u, v) -> u == v ? 1 : 0);
        };
        return result(z, outShape, sa.dtype());
    }

    /**
     * The four arithmetic operations on operands of the result's size or scalars, one plain loop per operation and
     * operand layout (loops the JIT vectorises; {@link #combine}'s per-element call to an operator passed in is not
     * inlined, as it sees every operation, and costs several times more per element).
     *
     * @return z, or null when the operation or the operands' layout is not one of these
     */
    private static double[] arithmetic(BinaryOp op, double[] x, double[] y, int n) {
        boolean xs = x.length == 1 && n != 1;
        boolean ys = y.length == 1 && n != 1;
        boolean arithmetic = op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.DIV;
        if (!arithmetic || !(x.length == n || xs) || !(y.length == n || ys)) {
            return null;
        }
        double[] z = new double[n];
        switch (op) {
            case ADD -> {
                if (ys) {
                    double v = y[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] + v;
                    }
                } else if (xs) {
                    double u = x[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = u + y[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] + y[i];
                    }
                }
            }
            case SUB -> {
                if (ys) {
                    double v = y[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] - v;
                    }
                } else if (xs) {
                    double u = x[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = u - y[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] - y[i];
                    }
                }
            }
            case MUL -> {
                if (ys) {
                    double v = y[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] * v;
                    }
                } else if (xs) {
                    double u = x[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = u * y[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] * y[i];
                    }
                }
            }
            case DIV -> {
                if (ys) {
                    double v = y[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] / v;
                    }
                } else if (xs) {
                    double u = x[0];
                    for (int i = 0; i < n; i++) {
                        z[i] = u / y[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        z[i] = x[i] / y[i];
                    }
                }
            }
            default -> throw new AssertionError(op); // excluded above
        }
        return z;
    }

    /** z = f(x, y) with broadcasting on the matrix views; same-shape and scalar operands take direct loops. */
    private static double[] combine(double[] x, Shape xs, double[] y, Shape ys, Shape out, DoubleBinaryOperator f) {
        int n = out.size();
        double[] z = new double[n];
        if (x.length == n && y.length == n) {
            for (int i = 0; i < n; i++) {
                z[i] = f.applyAsDouble(x[i], y[i]);
            }
        } else if (y.length == 1 && x.length == n) {
            double v = y[0];
            for (int i = 0; i < n; i++) {
                z[i] = f.applyAsDouble(x[i], v);
            }
        } else if (x.length == 1 && y.length == n) {
            double u = x[0];
            for (int i = 0; i < n; i++) {
                z[i] = f.applyAsDouble(u, y[i]);
            }
        } else {
            int rows = out.rows();
            int cols = out.cols();
            int xr = xs.rows() == 1 ? 0 : xs.cols();
            int xc = xs.cols() == 1 ? 0 : 1;
            int yr = ys.rows() == 1 ? 0 : ys.cols();
            int yc = ys.cols() == 1 ? 0 : 1;
            for (int r = 0, k = 0; r < rows; r++) {
                int xi = r * xr;
                int yi = r * yr;
                for (int c = 0; c < cols; c++, k++) {
                    z[k] = f.applyAsDouble(x[xi + c * xc], y[yi + c * yc]);
                }
            }
        }
        return z;
    }

    @Override
    public Storage where(Storage mask, Storage a, Storage b, Shape outShape) {
        EjmlStorage sm = (EjmlStorage) mask;
        EjmlStorage sa = (EjmlStorage) a;
        EjmlStorage sb = (EjmlStorage) b;
        double[] m = broadcast(sm.doubles(), sm.shape(), outShape);
        double[] x = broadcast(sa.doubles(), sa.shape(), outShape);
        double[] y = broadcast(sb.doubles(), sb.shape(), outShape);
        double[] z = new double[m.length];
        for (int i = 0; i < z.length; i++) {
            z[i] = m[i] != 0 ? x[i] : y[i];
        }
        return result(z, outShape, sa.dtype());
    }

    private static double[] broadcast(double[] x, Shape xs, Shape out) {
        if (x.length == out.size()) {
            return x;
        }
        return combine(x, xs, new double[] {0.0}, Shape.scalar(), out, (u, v) -> u);
    }

    @Override
    public Storage broadcastTo(Storage a, Shape shape) {
        EjmlStorage s = (EjmlStorage) a;
        return result(broadcast(s.doubles(), s.shape(), shape), shape, s.dtype());
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB) {
        EjmlStorage sa = (EjmlStorage) a;
        EjmlStorage sb = (EjmlStorage) b;
        int m = transposeA ? sa.shape().dim(1) : sa.shape().dim(0);
        int k = transposeA ? sa.shape().dim(0) : sa.shape().dim(1);
        int n = transposeB ? sb.shape().dim(0) : sb.shape().dim(1);
        Shape out = Shape.of(m, n);
        if ((m == 1 || n == 1) && k > 0) {
            return matrixVector(sa, transposeA, sb, transposeB, m, k, n, out);
        }
        if (Math.min(m, n) <= SKINNY && k > 0 && sa.dtype() == DType.FLOAT64
                && (long) m * n * k >= SKINNY_MULTIPLY_ADDS) {
            return skinny(sa.doubles(), transposeA, sb.doubles(), transposeB, m, k, n, out);
        }
        if (sa.dtype() == DType.FLOAT64 && (long) m * n * k >= GENERAL_MULTIPLY_ADDS) {
            double[] x = transposeA ? DenseProducts.transposed(sa.doubles(), k, m) : sa.doubles();
            double[] y = transposeB ? DenseProducts.transposed(sb.doubles(), n, k) : sb.doubles();
            int parts = DenseProducts.parts((long) m * n * k, m);
            return EjmlStorage.of(DenseProducts.matrixTimes(x, m, k, y, n, parts), out, DType.FLOAT64);
        }
        if (sa.dtype() == DType.FLOAT64) { // below GENERAL_MULTIPLY_ADDS: EJML's single-threaded kernels
            DMatrixRMaj c = new DMatrixRMaj(m, n);
            DMatrixRMaj x = sa.dmatrix();
            DMatrixRMaj y = sb.dmatrix();
            if (k == 0) {
                return EjmlStorage.of(c, out);
            }
            if (transposeA && transposeB) {
                CommonOps_DDRM.multTransAB(x, y, c);
            } else if (transposeA) {
                CommonOps_DDRM.multTransA(x, y, c);
            } else if (transposeB) {
                CommonOps_DDRM.multTransB(x, y, c);
            } else {
                CommonOps_DDRM.mult(x, y, c);
            }
            return EjmlStorage.of(c, out);
        }
        // EJML's threaded products pay off for matrix-matrix products only (for a matrix-vector product they were
        // several times slower than the single-threaded kernel: 5000x2000 by a vector, 34 ms vs 11 ms)
        boolean parallel = (long) m * n * k >= PARALLEL_FLOPS && m > 1 && n > 1;
        FMatrixRMaj c = new FMatrixRMaj(m, n);
        FMatrixRMaj x = sa.fmatrix();
        FMatrixRMaj y = sb.fmatrix();
        if (k == 0) {
            return EjmlStorage.of(c, out);
        }
        if (parallel) {
            if (transposeA && transposeB) {
                CommonOps_MT_FDRM.multTransAB(x, y, c);
            } else if (transposeA) {
                CommonOps_MT_FDRM.multTransA(x, y, c);
            } else if (transposeB) {
                CommonOps_MT_FDRM.multTransB(x, y, c);
            } else {
                CommonOps_MT_FDRM.mult(x, y, c);
            }
        } else if (transposeA && transposeB) {
            CommonOps_FDRM.multTransAB(x, y, c);
        } else if (transposeA) {
            CommonOps_FDRM.multTransA(x, y, c);
        } else if (transposeB) {
            CommonOps_FDRM.multTransB(x, y, c);
        } else {
            CommonOps_FDRM.mult(x, y, c);
        }
        return EjmlStorage.of(c, out);
    }

    /**
     * A product whose result is a row or a column: one matrix–vector product on {@link DenseProducts}, which never
     * forms a transpose (the data of a k×1 or 1×k operand is the same vector). A 1×1 result is a dot product.
     */
    private static Storage matrixVector(EjmlStorage sa, boolean ta, EjmlStorage sb, boolean tb, int m, int k, int n,
            Shape out) {
        EjmlStorage mat;
        EjmlStorage vec;
        boolean transposed; // true: result = (stored matrix)ᵀ vec; false: result = (stored matrix) vec
        if (n == 1) {
            mat = sa;
            vec = sb;
            transposed = ta;
        } else {
            mat = sb;
            vec = sa;
            transposed = !tb;
        }
        int rows = mat.shape().rows();
        int cols = mat.shape().cols();
        int outputs = transposed ? cols : rows;
        int parts = DenseProducts.parts((long) rows * cols, outputs);
        if (sa.dtype() == DType.FLOAT64) {
            double[] y = transposed
                    ? DenseProducts.transposeTimes(mat.doubles(), rows, cols, vec.doubles(), parts)
                    : DenseProducts.times(mat.doubles(), rows, cols, vec.doubles(), parts);
            return EjmlStorage.of(y, out, DType.FLOAT64);
        }
        float[] y = transposed
                ? DenseProducts.transposeTimes(mat.floats(), rows, cols, vec.floats(), parts)
                : DenseProducts.times(mat.floats(), rows, cols, vec.floats(), parts);
        return EjmlStorage.ofFloats(y, out);
    }

    /**
     * A float64 product with at most {@link #SKINNY} rows or columns in its result: the small factor is arranged
     * (transposed if needed, a copy of at most {@link #SKINNY} rows or columns) so that the large one is read once,
     * in its stored order, by {@link DenseProducts#timesMany} or {@link DenseProducts#transposeTimesMany}; a result
     * with few rows is computed as its transpose Cᵀ = op(B)ᵀ op(A)ᵀ. Each element is the textbook sum.
     */
    private static Storage skinny(double[] a, boolean ta, double[] b, boolean tb, int m, int k, int n, Shape out) {
        double[] y;
        if (n <= m) { // the large factor is A; n vectors
            int parts = DenseProducts.parts((long) m * k, m);
            if (!ta) { // A stored m×k: dot products of its rows with the columns of op(B)
                y = DenseProducts.timesMany(a, m, k, tb ? b : DenseProducts.transposed(b, k, n), n, parts);
            } else { // A stored k×m: combinations of its rows, weighted by op(B) as k×n
                y = DenseProducts.transposeTimesMany(a, k, m, tb ? DenseProducts.transposed(b, n, k) : b, n, parts);
            }
        } else { // the large factor is B; compute Cᵀ (n×m) with m vectors
            int parts = DenseProducts.parts((long) n * k, n);
            double[] yt;
            if (tb) { // B stored n×k: dot products of its rows with the rows of op(A)
                yt = DenseProducts.timesMany(b, n, k, ta ? DenseProducts.transposed(a, k, m) : a, m, parts);
            } else { // B stored k×n: combinations of its rows, weighted by op(A)ᵀ as k×m
                yt = DenseProducts.transposeTimesMany(b, k, n, ta ? a : DenseProducts.transposed(a, m, k), m, parts);
            }
            y = DenseProducts.transposed(yt, n, m);
        }
        return EjmlStorage.of(y, out, DType.FLOAT64);
    }

    @Override
    public Storage transpose(Storage a) {
        EjmlStorage s = (EjmlStorage) a;
        Shape out = Shape.of(s.shape().dim(1), s.shape().dim(0));
        if (s.dtype() == DType.FLOAT64) {
            return EjmlStorage.of(CommonOps_DDRM.transpose(s.dmatrix(), null), out);
        }
        return EjmlStorage.of(CommonOps_FDRM.transpose(s.fmatrix(), null), out);
    }

    @Override
    public Storage[] linearModelLoss(LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b,
            boolean gradient) {
        if (x.dtype() != DType.FLOAT64) {
            return Kernels.super.linearModelLoss(loss, x, w, c, b, gradient);
        }
        int n = x.shape().dim(0);
        int d = x.shape().dim(1);
        double[] r = FusedLinearModel.lossAndGradient(loss, doubles(x), n, d, doubles(w), doubles(c),
                b == null ? null : doubles(b), gradient);
        Storage value = EjmlStorage.of(new double[] {r[0]}, Shape.scalar(), DType.FLOAT64);
        return new Storage[] {value,
            gradient ? EjmlStorage.of(Arrays.copyOfRange(r, 1, 1 + d), Shape.of(d), DType.FLOAT64) : null};
    }

    @Override
    public Storage linearModelHvp(LinearModelLoss loss, Storage x, Storage w, Storage c, Storage b, Storage v) {
        if (x.dtype() != DType.FLOAT64) {
            return Kernels.super.linearModelHvp(loss, x, w, c, b, v);
        }
        int n = x.shape().dim(0);
        int d = x.shape().dim(1);
        double[] r = FusedLinearModel.hvp(loss, doubles(x), n, d, doubles(w), doubles(c),
                b == null ? null : doubles(b), doubles(v));
        return EjmlStorage.of(r, Shape.of(d), DType.FLOAT64);
    }

    private static double[] doubles(Storage s) {
        return ((EjmlStorage) s).doubles();
    }

    @Override
    public Storage dot(Storage a, Storage b) {
        EjmlStorage sa = (EjmlStorage) a;
        double[] x = sa.doubles();
        double[] y = ((EjmlStorage) b).doubles();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return result(new double[] {s}, Shape.scalar(), sa.dtype());
    }

    @Override
    public Storage solve(Storage a, Storage b) {
        EjmlStorage sa = (EjmlStorage) a;
        EjmlStorage sb = (EjmlStorage) b;
        int n = sa.shape().dim(0);
        int k = sb.shape().rank() == 1 ? 1 : sb.shape().dim(1);
        double[] x;
        if (sa.dtype() == DType.FLOAT64) {
            DMatrixRMaj xm = new DMatrixRMaj(n, k);
            // solve() may overwrite A when it is larger than the solver's threshold: pass copies
            boolean ok = CommonOps_DDRM.solve(sa.dmatrix().copy(), DMatrixRMaj.wrap(n, k, sb.doubles().clone()), xm);
            x = ok ? xm.data : nanArray(n * k);
        } else {
            FMatrixRMaj xm = new FMatrixRMaj(n, k);
            boolean ok = CommonOps_FDRM.solve(sa.fmatrix().copy(), sb.withShape(Shape.of(n, k)).fmatrix().copy(), xm);
            if (!ok) {
                return result(nanArray(n * k), sb.shape(), DType.FLOAT32);
            }
            return EjmlStorage.ofFloats(xm.data, sb.shape());
        }
        return result(x, sb.shape(), sa.dtype());
    }

    private static double[] nanArray(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        Shape in = s.shape();
        int rows;
        int cols;
        boolean alongRows; // reduce over the rows of the matrix view (one result per column)
        if (axis < 0 || in.rank() == 1) {
            rows = 1;
            cols = x.length;
            alongRows = false;
        } else {
            rows = in.dim(0);
            cols = in.dim(1);
            alongRows = axis == 0;
        }
        double[] y;
        if (!alongRows) {
            y = new double[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = reduceRange(op, x, r * cols, 1, cols);
            }
        } else {
            y = new double[cols];
            for (int c = 0; c < cols; c++) {
                y[c] = reduceRange(op, x, c, cols, rows);
            }
        }
        return result(y, outShape, s.dtype());
    }

    /** Reduces {@code count} elements x[start], x[start + stride], ... */
    private static double reduceRange(ReduceOp op, double[] x, int start, int stride, int count) {
        switch (op) {
            case SUM: {
                double s = 0;
                for (int i = 0, j = start; i < count; i++, j += stride) {
                    s += x[j];
                }
                return s;
            }
            case MAX: {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0, j = start; i < count; i++, j += stride) {
                    m = Math.max(m, x[j]);
                }
                return m;
            }
            case MIN: {
                double m = Double.POSITIVE_INFINITY;
                for (int i = 0, j = start; i < count; i++, j += stride) {
                    m = Math.min(m, x[j]);
                }
                return m;
            }
            default: { // LOG_SUM_EXP
                double m = reduceRange(ReduceOp.MAX, x, start, stride, count);
                if (Double.isInfinite(m)) {
                    return m;
                }
                double s = 0;
                for (int i = 0, j = start; i < count; i++, j += stride) {
                    s += Math.exp(x[j] - m);
                }
                return m + Math.log(s);
            }
        }
    }

    // ---------------------------------------------------------------- shape

    @Override
    public Storage reshape(Storage a, Shape shape) {
        return ((EjmlStorage) a).withShape(shape);
    }

    @Override
    public Storage slice(Storage a, int axis, int start, int end) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        Shape in = s.shape();
        if (in.rank() == 1) {
            return result(Arrays.copyOfRange(x, start, end), Shape.of(end - start), s.dtype());
        }
        int rows = in.dim(0);
        int cols = in.dim(1);
        if (axis == 0) {
            return result(Arrays.copyOfRange(x, start * cols, end * cols), Shape.of(end - start, cols), s.dtype());
        }
        int w = end - start;
        double[] y = new double[rows * w];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * cols + start, y, r * w, w);
        }
        return result(y, Shape.of(rows, w), s.dtype());
    }

    @Override
    public Storage pad(Storage a, int axis, int offset, Shape outShape) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        double[] y = new double[outShape.size()];
        Shape in = s.shape();
        if (in.rank() == 1 || axis == 0) {
            int block = in.rank() == 1 ? 1 : in.dim(1);
            System.arraycopy(x, 0, y, offset * block, x.length);
        } else {
            int rows = in.dim(0);
            int w = in.dim(1);
            int cols = outShape.dim(1);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, r * w, y, r * cols + offset, w);
            }
        }
        return result(y, outShape, s.dtype());
    }

    @Override
    public Storage gather(Storage a, int[] indices) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        Shape in = s.shape();
        int block = in.rank() == 1 ? 1 : in.dim(1);
        double[] y = new double[indices.length * block];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(x, indices[i] * block, y, i * block, block);
        }
        Shape out = in.rank() == 1 ? Shape.of(indices.length) : Shape.of(indices.length, block);
        return result(y, out, s.dtype());
    }

    @Override
    public Storage scatterAdd(Storage a, int[] indices, Shape outShape) {
        EjmlStorage s = (EjmlStorage) a;
        double[] x = s.doubles();
        int block = outShape.rank() == 1 ? 1 : outShape.dim(1);
        double[] y = new double[outShape.size()];
        for (int i = 0; i < indices.length; i++) {
            int to = indices[i] * block;
            int from = i * block;
            for (int j = 0; j < block; j++) {
                y[to + j] += x[from + j];
            }
        }
        return result(y, outShape, s.dtype());
    }

    @Override
    public Storage concat(List<Storage> parts, int axis, Shape outShape) {
        double[] y = new double[outShape.size()];
        DType dtype = parts.get(0).dtype();
        if (outShape.rank() == 1 || axis == 0) {
            int pos = 0;
            for (Storage p : parts) {
                double[] x = ((EjmlStorage) p).doubles();
                System.arraycopy(x, 0, y, pos, x.length);
                pos += x.length;
            }
        } else {
            int rows = outShape.dim(0);
            int cols = outShape.dim(1);
            int offset = 0;
            for (Storage p : parts) {
                double[] x = ((EjmlStorage) p).doubles();
                int w = p.shape().dim(1);
                for (int r = 0; r < rows; r++) {
                    System.arraycopy(x, r * w, y, r * cols + offset, w);
                }
                offset += w;
            }
        }
        return result(y, outShape, dtype);
    }
}
