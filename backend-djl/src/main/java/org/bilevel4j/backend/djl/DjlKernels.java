package org.bilevel4j.backend.djl;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.backend.BinaryOp;
import org.bilevel4j.api.backend.Kernels;
import org.bilevel4j.api.backend.NativeMemoryGovernor;
import org.bilevel4j.api.backend.ReduceOp;
import org.bilevel4j.api.backend.Storage;
import org.bilevel4j.api.backend.UnaryOp;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernels on DJL {@code NDArray}s (PyTorch engine), float64 and float32, on the CPU or a CUDA device.
 *
 * <p>Memory: every result is owned by one base {@link NDManager}; intermediate arrays inside a kernel are closed
 * before it returns, and a result's native memory is freed once its storage is unreachable. Since the garbage
 * collector does not see native memory, a {@link NativeMemoryGovernor} counts live bytes (data plus an estimated
 * 1 KiB of headers per array) and asks for a collection (at most every 100 ms, backing off to 10 s while the live
 * arrays stay above the threshold) when they exceed {@code bilevel4j.djl.gcThresholdBytes} (read once; default
 * 256 MiB; 0 disables it), which keeps native memory bounded over long runs of small operations as well as large
 * ones.
 *
 * <p>Accuracy: {@code log1p}, {@code expm1} and {@code softplus}, which DJL does not expose or computes with a
 * cut-off, are composed so that they stay accurate to a few ulps (Kahan's correction for log1p, a tanh form of
 * expm1 near 0). Scatter-add is computed on the host. Dense solves use the LU-based inverse.
 */
final class DjlKernels implements Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(DjlKernels.class);
    private final NDManager manager;
    /** Native bytes per array beyond its data (PyTorch tensor and storage headers, DJL bookkeeping), estimated. */
    private static final long OVERHEAD_BYTES = 1024;
    /** Counts the arrays of every instance; the threshold is read once, when the class is loaded. */
    private static final NativeMemoryGovernor MEMORY =
            new NativeMemoryGovernor(Long.getLong("bilevel4j.djl.gcThresholdBytes", 256L << 20));

    DjlKernels(boolean gpu) {
        Device device = gpu ? Device.gpu() : Device.cpu();
        this.manager = NDManager.newBaseManager(device);
        LOG.info("DJL backend on {} with engine {}", device, manager.getEngine().getEngineName());
    }

    /** @return arrays created by any instance and not yet released */
    static long liveArrays() {
        return MEMORY.live();
    }

    /** @return bytes of those arrays */
    static long liveBytes() {
        return MEMORY.liveBytes();
    }

    // ---------------------------------------------------------------- ownership

    private DjlStorage own(NDArray array, Shape shape, DType dtype) {
        if (array.getDataType() != type(dtype)) {
            // PyTorch's type promotion would otherwise carry a silently widened (or narrowed) array onwards
            array.close();
            throw new IllegalStateException("DJL kernel result: expected element type " + type(dtype) + ", got "
                    + array.getDataType());
        }
        DjlStorage s = new DjlStorage(array, shape, dtype);
        MEMORY.register(s, (long) shape.size() * dtype.bytes() + OVERHEAD_BYTES, 0, array::close);
        return s;
    }

    /** Wraps an array that has the logical shape already. */
    private DjlStorage own(NDArray array, DType dtype) {
        return own(array, logical(array.getShape()), dtype);
    }

    private static Shape logical(ai.djl.ndarray.types.Shape s) {
        int[] dims = new int[s.dimension()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = (int) s.get(i);
        }
        return Shape.of(dims);
    }

    private static ai.djl.ndarray.types.Shape djl(Shape s) {
        long[] dims = new long[s.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.dim(i);
        }
        return new ai.djl.ndarray.types.Shape(dims);
    }

    private static DataType type(DType t) {
        return t == DType.FLOAT64 ? DataType.FLOAT64 : DataType.FLOAT32;
    }

    private static NDArray of(Storage s) {
        return ((DjlStorage) s).array();
    }

    /** Applies f, closing the intermediate {@code tmp}. */
    private static NDArray then(NDArray tmp, UnaryOperator<NDArray> f) {
        try {
            return f.apply(tmp);
        } finally {
            tmp.close();
        }
    }

    // ---------------------------------------------------------------- creation and copy-out

    @Override
    public Storage fromDoubles(double[] values, Shape shape, DType dtype) {
        NDArray a;
        if (dtype == DType.FLOAT64) {
            a = manager.create(values, djl(shape));
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            a = manager.create(f, djl(shape));
        }
        return own(a, shape, dtype);
    }

    @Override
    public Storage full(Shape shape, DType dtype, double value) {
        if (value == 0) {
            return own(manager.zeros(djl(shape), type(dtype)), shape, dtype);
        }
        if (value == 1) {
            return own(manager.ones(djl(shape), type(dtype)), shape, dtype);
        }
        double[] v = new double[shape.size()];
        Arrays.fill(v, value);
        return fromDoubles(v, shape, dtype);
    }

    @Override
    public Storage identity(int n, DType dtype) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return fromDoubles(v, Shape.of(n, n), dtype);
    }

    @Override
    public double[] toDoubles(Storage a) {
        NDArray x = of(a);
        if (x.getDataType() == DataType.FLOAT64) {
            return x.toDoubleArray();
        }
        float[] f = x.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public double get(Storage a, int index) {
        NDArray x = of(a);
        if (a.shape().rank() == 0) {
            return first(x);
        }
        // NDArray.getDouble(index) creates an array it never closes: take the element and close it here
        try (NDArray flat = x.flatten(); NDArray element = flat.get(index)) {
            return first(element);
        }
    }

    private static double first(NDArray x) {
        return x.getDataType() == DataType.FLOAT64 ? x.toDoubleArray()[0] : x.toFloatArray()[0];
    }

    @Override
    public Storage cast(Storage a, DType dtype) {
        return own(of(a).toType(type(dtype), true), a.shape(), dtype);
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public Storage unary(UnaryOp op, Storage a) {
        NDArray x = of(a);
        NDArray y = switch (op) {
            case NEG -> x.neg();
            case EXP -> x.exp();
            case LOG -> x.log();
            case LOG1P -> log1p(x);
            case EXPM1 -> expm1(x);
            case SQRT -> x.sqrt();
            case SQUARE -> x.square();
            case RECIPROCAL -> then(x.onesLike(), one -> one.div(x));
            case ABS -> x.abs();
            case SIGN -> x.sign();
            case STEP -> then(x.gt(0), mask -> mask.toType(x.getDataType(), false));
            case TANH -> x.tanh();
            case SIGMOID -> Activation.sigmoid(x);
            case RELU -> Activation.relu(x);
            case SOFTPLUS -> softplus(x);
            case SIN -> x.sin();
            case COS -> x.cos();
        };
        return own(y, a.shape(), a.dtype());
    }

    /**
     * log(1 + x) with Kahan's correction: log(u) - ((u - 1) - x)/u, u = 1 + x; the correction is dropped where it
     * is 0/0 or ∞ - ∞ (x = -1 and x = ∞), so that log1p(-1) = -∞ and log1p(∞) = ∞.
     */
    private static NDArray log1p(NDArray x) {
        try (NDArray u = x.add(1); NDArray lu = u.log(); NDArray um1 = u.sub(1); NDArray err = um1.sub(x);
                NDArray raw = err.div(u); NDArray undefined = raw.isNaN(); NDArray zero = raw.zerosLike();
                NDArray corr = NDArrays.where(undefined, zero, raw)) {
            return lu.sub(corr);
        }
    }

    /** e^x - 1: 2t/(1 - t) with t = tanh(x/2) for |x| &lt; 0.5 (accurate near 0), e^x - 1 elsewhere. */
    private static NDArray expm1(NDArray x) {
        try (NDArray half = x.div(2); NDArray t = half.tanh(); NDArray num = t.mul(2); NDArray one = t.onesLike();
                NDArray den = one.sub(t); NDArray small = num.div(den); NDArray e = x.exp(); NDArray big = e.sub(1);
                NDArray ax = x.abs(); NDArray cond = ax.lt(0.5)) {
            return NDArrays.where(cond, small, big);
        }
    }

    /** max(x, 0) + log1p(exp(-|x|)): no overflow and no cut-off. */
    private static NDArray softplus(NDArray x) {
        try (NDArray pos = Activation.relu(x); NDArray ax = x.abs(); NDArray nax = ax.neg(); NDArray e = nax.exp();
                NDArray l = log1p(e)) {
            return pos.add(l);
        }
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape) {
        NDArray x = of(a);
        NDArray y = of(b);
        NDArray z = switch (op) {
            case ADD -> x.add(y);
            case SUB -> x.sub(y);
            case MUL -> x.mul(y);
            case DIV -> x.div(y);
            case MAX -> x.maximum(y);
            case MIN -> x.minimum(y);
            case GT -> then(x.gt(y), m -> m.toType(x.getDataType(), false));
            case GE -> then(x.gte(y), m -> m.toType(x.getDataType(), false));
            case LT -> then(x.lt(y), m -> m.toType(x.getDataType(), false));
            case LE -> then(x.lte(y), m -> m.toType(x.getDataType(), false));
            case EQ -> then(x.eq(y), m -> m.toType(x.getDataType(), false));
        };
        return own(z, outShape, a.dtype());
    }

    @Override
    public Storage affine(Storage a, double scale, double shift) {
        NDArray x = of(a);
        Number m = number(scale, a.dtype());
        Number c = number(shift, a.dtype());
        NDArray y = scale == 1 ? x.add(c) : shift == 0 ? x.mul(m) : then(x.mul(m), t -> t.add(c));
        return own(y, a.shape(), a.dtype());
    }

    @Override
    public Storage pow(Storage a, double exponent) {
        return own(of(a).pow(number(exponent, a.dtype())), a.shape(), a.dtype());
    }

    /**
     * A Java scalar in the element type of the array it meets: DJL makes a float64 0-d array of a {@code Double},
     * and PyTorch promotes a 0-d float32 array combined with it to float64.
     */
    private static Number number(double value, DType dtype) {
        return dtype == DType.FLOAT64 ? (Number) value : (Number) (float) value;
    }

    @Override
    public Storage where(Storage mask, Storage a, Storage b, Shape outShape) {
        // PyTorch's where broadcasts, DJL's wrapper does not: bring all three operands to the output shape first
        ai.djl.ndarray.types.Shape out = djl(outShape);
        try (NDArray m = then(broadcast(of(mask), out), t -> t.neq(0)); NDArray x = broadcast(of(a), out);
                NDArray y = broadcast(of(b), out)) {
            return own(NDArrays.where(m, x, y), outShape, a.dtype());
        }
    }

    /** A new array (never the argument itself) of the given shape. */
    private static NDArray broadcast(NDArray x, ai.djl.ndarray.types.Shape shape) {
        return x.getShape().equals(shape) ? x.duplicate() : x.broadcast(shape);
    }

    @Override
    public Storage broadcastTo(Storage a, Shape shape) {
        return own(of(a).broadcast(djl(shape)), shape, a.dtype());
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB) {
        NDArray x = of(a);
        NDArray y = of(b);
        NDArray xt = transposeA ? x.transpose() : x;
        NDArray yt = transposeB ? y.transpose() : y;
        try {
            return own(xt.matMul(yt), a.dtype());
        } finally {
            if (transposeA) {
                xt.close();
            }
            if (transposeB) {
                yt.close();
            }
        }
    }

    @Override
    public Storage transpose(Storage a) {
        return own(of(a).transpose(), a.dtype());
    }

    @Override
    public Storage dot(Storage a, Storage b) {
        return own(then(of(a).mul(of(b)), NDArray::sum), Shape.scalar(), a.dtype());
    }

    @Override
    public Storage solve(Storage a, Storage b) {
        NDArray rhs = of(b);
        int n = a.shape().dim(0);
        NDArray inverse;
        try {
            inverse = of(a).inverse();
        } catch (EngineException e) {
            // torch refuses a singular matrix; the Kernels contract is a result with non-finite entries
            return own(then(rhs.onesLike(), ones -> ones.mul(Double.NaN)), b.shape(), b.dtype());
        }
        try (NDArray inv = inverse) {
            if (b.shape().rank() == 1) {
                try (NDArray column = rhs.reshape(n, 1)) {
                    return own(then(inv.matMul(column), t -> t.reshape(n)), b.shape(), b.dtype());
                }
            }
            return own(inv.matMul(rhs), b.shape(), b.dtype());
        }
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape) {
        NDArray x = of(a);
        // DJL's max and min take one axis at most: an all-element reduction works on the flattened array
        NDArray in = axis < 0 && a.shape().rank() > 0 ? x.flatten() : x;
        int[] axes = a.shape().rank() == 0 ? new int[0] : new int[] {axis < 0 ? 0 : axis};
        try {
            NDArray r = switch (op) {
                case SUM -> axes.length == 0 ? in.duplicate() : in.sum(axes);
                case MAX -> axes.length == 0 ? in.duplicate() : in.max(axes);
                case MIN -> axes.length == 0 ? in.duplicate() : in.min(axes);
                case LOG_SUM_EXP -> axes.length == 0 ? in.duplicate() : logSumExp(in, axes);
            };
            if (!logical(r.getShape()).equals(outShape)) {
                r = then(r, t -> t.reshape(djl(outShape)));
            }
            return own(r, outShape, a.dtype());
        } finally {
            if (in != x) {
                in.close();
            }
        }
    }

    /** m + log Σ exp(x - m) with m the (finite part of the) maximum, so it neither overflows nor makes NaN. */
    private static NDArray logSumExp(NDArray x, int[] axes) {
        try (NDArray m = x.max(axes, true); NDArray finite = m.isInfinite(); NDArray zero = m.zerosLike();
                NDArray safe = NDArrays.where(finite, zero, m); NDArray d = x.sub(safe); NDArray e = d.exp();
                NDArray s = e.sum(axes, true); NDArray l = s.log(); NDArray r = l.add(safe)) {
            return r.reshape(reducedShape(x.getShape(), axes));
        }
    }

    private static ai.djl.ndarray.types.Shape reducedShape(ai.djl.ndarray.types.Shape s, int[] axes) {
        List<Long> dims = new ArrayList<>();
        for (int i = 0; i < s.dimension(); i++) {
            final int d = i;
            if (Arrays.stream(axes).noneMatch(ax -> ax == d)) {
                dims.add(s.get(i));
            }
        }
        return new ai.djl.ndarray.types.Shape(dims.stream().mapToLong(Long::longValue).toArray());
    }

    // ---------------------------------------------------------------- shape

    @Override
    public Storage reshape(Storage a, Shape shape) {
        return own(of(a).reshape(djl(shape)), shape, a.dtype());
    }

    @Override
    public Storage slice(Storage a, int axis, int start, int end) {
        NDIndex index = axis == 0 ? new NDIndex("{}:{}", start, end) : new NDIndex(":, {}:{}", start, end);
        NDArray r = of(a).get(index);
        return own(r, a.dtype());
    }

    @Override
    public Storage pad(Storage a, int axis, int offset, Shape outShape) {
        int after = outShape.dim(axis) - offset - a.shape().dim(axis);
        List<NDArray> parts = new ArrayList<>();
        List<NDArray> temporaries = new ArrayList<>();
        try {
            if (offset > 0) {
                NDArray z = manager.zeros(djl(withDim(a.shape(), axis, offset)), type(a.dtype()));
                temporaries.add(z);
                parts.add(z);
            }
            parts.add(of(a));
            if (after > 0) {
                NDArray z = manager.zeros(djl(withDim(a.shape(), axis, after)), type(a.dtype()));
                temporaries.add(z);
                parts.add(z);
            }
            return own(NDArrays.concat(new NDList(parts), axis), outShape, a.dtype());
        } finally {
            temporaries.forEach(NDArray::close);
        }
    }

    private static Shape withDim(Shape s, int axis, int length) {
        int[] d = s.dims();
        d[axis] = length;
        return Shape.of(d);
    }

    @Override
    public Storage gather(Storage a, int[] indices) {
        long[] idx = new long[indices.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = indices[i];
        }
        Shape out = a.shape().rank() == 1 ? Shape.of(indices.length) : Shape.of(indices.length, a.shape().dim(1));
        try (NDArray index = manager.create(idx)) {
            return own(of(a).get(index), out, a.dtype());
        }
    }

    @Override
    public Storage scatterAdd(Storage a, int[] indices, Shape outShape) {
        double[] x = toDoubles(a);
        int block = outShape.rank() == 1 ? 1 : outShape.dim(1);
        double[] y = new double[outShape.size()];
        for (int i = 0; i < indices.length; i++) {
            for (int j = 0; j < block; j++) {
                y[indices[i] * block + j] += x[i * block + j];
            }
        }
        return fromDoubles(y, outShape, a.dtype());
    }

    @Override
    public Storage concat(List<Storage> parts, int axis, Shape outShape) {
        NDList list = new NDList(parts.size());
        for (Storage p : parts) {
            list.add(of(p));
        }
        return own(NDArrays.concat(list, axis), outShape, parts.get(0).dtype());
    }
}
