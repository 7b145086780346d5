package org.bilevel4j.backend.tensorflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.TensorFlow;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Max;
import org.tensorflow.op.core.Sum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

/**
 * The kernels on TensorFlow Java in eager mode: every kernel runs one or a few TensorFlow operations at once, in
 * float64 ({@code TFloat64}) or float32 ({@code TFloat32}), on the CPU, or on the GPU with the CUDA build (TensorFlow
 * places operations on the first GPU itself).
 *
 * <p><b>Thread safety.</b> {@link EagerSession} calls itself thread-safe, but in TensorFlow Java 1.1.0 creating an
 * operation updates unsynchronised Java state (the session's {@code WeakPointerScope}, a {@code WeakHashMap}, and
 * the scope's {@code NameScope}, a {@code HashMap}). Every TensorFlow call is therefore made while holding one lock
 * per kernels instance: kernels are thread-safe, and concurrent callers are serialised. Each operation still uses
 * TensorFlow's own intra-op thread pool.
 *
 * <p><b>Memory.</b> A result's native tensor handle is held by its TensorFlow operation object, which JavaCPP frees
 * once it is unreachable: the session refers to handles only weakly (TensorFlow Java 1.x has no
 * {@code ResourceCleanupStrategy} any more; JavaCPP's deallocator thread frees every unreachable handle). Since the
 * garbage collector does not see native memory, a {@link NativeMemoryGovernor} counts the bytes of live storages
 * plus the bytes of intermediate results created since the last collection, and calls {@link System#gc()} (at most
 * every 100 ms, backing off to 10 s while the sum stays above it) when the sum exceeds
 * {@code bilevel4j.tensorflow.gcThresholdBytes}
 * (default 512 MiB; 0 disables it). Unless the user set it, the constructor sets JavaCPP's
 * {@code org.bytedeco.javacpp.maxPhysicalBytes} to 0 before JavaCPP loads: JavaCPP would otherwise read the resident
 * set size on every native allocation (a measurable part of the per-operation cost) and throw
 * {@link OutOfMemoryError} once it exceeds a multiple of the Java heap, which the 650 MB of TensorFlow libraries
 * alone can do under a small {@code -Xmx}.
 *
 * <p><b>Accuracy.</b> TensorFlow's float64 kernels for exp, log, log1p, expm1, tanh, sigmoid, softplus, sin, cos and
 * pow were measured against {@link Math} at 2.2e-16 to 9e-16 relative (sigmoid loses digits only where its value is
 * subnormal, as does the reference). Log-sum-exp is computed as m + log Σ exp(x - m) with m the maximum clipped
 * to the finite range, so that an all -∞ input gives -∞ and +∞ gives +∞. Dense solves use
 * {@code MatrixSolve} (LU with partial pivoting); a singular matrix gives NaN entries.
 *
 * <p><b>Cost.</b> An eager operation costs tens of microseconds whatever its size; kernels use as few operations as
 * they can, and the constants they need (scalars, shapes, axes) are created once and cached (bounded caches).
 */
final class TensorflowKernels implements Kernels {
    private static final Logger LOG = LoggerFactory.getLogger(TensorflowKernels.class);
    private static final int CACHE_LIMIT = 4096;
    /** Index arrays up to this length are cached as constants (longer ones are data, not structure). */
    private static final int CACHED_INDICES = 16;

    private final EagerSession session;
    private final Ops tf;
    private final boolean gpu;

    // constants, guarded by session
    private final Map<Double, Operand<TFloat64>> scalars64 = new HashMap<>();
    private final Map<Float, Operand<TFloat32>> scalars32 = new HashMap<>();
    private final Map<String, Operand<TInt32>> ints = new HashMap<>();

    /** Native memory accounting; the threshold is read when the instance is created. */
    private final NativeMemoryGovernor memory =
            new NativeMemoryGovernor(Long.getLong("bilevel4j.tensorflow.gcThresholdBytes", 512L << 20));

    /**
     * Opens the eager session (loads the natives on first use).
     *
     * @param gpu whether the CUDA build is loaded and a driver was found (informational: TensorFlow places
     *            operations on the GPU by itself)
     */
    TensorflowKernels(boolean gpu) {
        configureJavacpp();
        long start = System.nanoTime();
        this.gpu = gpu;
        this.session = EagerSession.options().async(false)
                .devicePlacementPolicy(EagerSession.DevicePlacementPolicy.SILENT).build();
        this.tf = Ops.create(session);
        LOG.info("TensorFlow {} eager backend on the {} (natives loaded in {} ms)", TensorFlow.version(),
                gpu ? "GPU" : "CPU", (System.nanoTime() - start) / 1_000_000);
    }

    private static void configureJavacpp() {
        if (System.getProperty("org.bytedeco.javacpp.maxPhysicalBytes") == null
                && System.getProperty("org.bytedeco.javacpp.maxphysicalbytes") == null) {
            System.setProperty("org.bytedeco.javacpp.maxPhysicalBytes", "0");
        }
    }

    /** @return whether the kernels were created for the GPU */
    boolean gpu() {
        return gpu;
    }

    /** @return storages currently alive (created and not yet unreachable) */
    long liveStorages() {
        return memory.live();
    }

    /** @return storages created so far */
    long createdStorages() {
        return memory.created();
    }

    /** @return bytes of the storages currently alive */
    long liveBytes() {
        return memory.liveBytes();
    }

    /** @return how many times the kernels asked for a garbage collection */
    long collections() {
        return memory.collections();
    }

    // ---------------------------------------------------------------- ownership and memory

    /**
     * Wraps a result and accounts for its memory.
     *
     * @param operand the result, whose TensorFlow shape has the dimensions of {@code shape}
     * @param shape   the logical shape
     * @param dtype   the element type
     * @param scratch bytes of the intermediate results the kernel created and dropped
     */
    private TensorflowStorage own(Operand<? extends TNumber> operand, Shape shape, DType dtype, long scratch) {
        TensorflowStorage s = new TensorflowStorage(operand, shape, dtype);
        // JavaCPP frees the handle itself once the operation object is unreachable: nothing to release here
        memory.register(s, (long) shape.size() * dtype.bytes(), scratch, () -> { });
        return s;
    }

    private TensorflowStorage own(Operand<? extends TNumber> operand, Shape shape, DType dtype) {
        return own(operand, shape, dtype, 0);
    }

    private static long bytes(Storage s) {
        return (long) s.shape().size() * s.dtype().bytes();
    }

    @SuppressWarnings("unchecked")
    private static Operand<TNumber> in(Storage s) {
        return (Operand<TNumber>) ((TensorflowStorage) s).operand();
    }

    @SuppressWarnings("unchecked")
    private static Class<TNumber> type(DType t) {
        return (Class<TNumber>) (Class<?>) (t == DType.FLOAT64 ? TFloat64.class : TFloat32.class);
    }

    private static org.tensorflow.ndarray.Shape tfShape(Shape s) {
        long[] dims = new long[s.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = s.dim(i);
        }
        return dims.length == 0 ? org.tensorflow.ndarray.Shape.scalar() : org.tensorflow.ndarray.Shape.of(dims);
    }

    // ---------------------------------------------------------------- cached constants (call with the lock held)

    /** A scalar constant of the element type, cached. */
    @SuppressWarnings("unchecked")
    private Operand<TNumber> scalar(DType t, double v) {
        if (t == DType.FLOAT64) {
            if (scalars64.size() >= CACHE_LIMIT) {
                scalars64.clear();
            }
            return (Operand<TNumber>) (Operand<?>) scalars64.computeIfAbsent(v, tf::constant);
        }
        if (scalars32.size() >= CACHE_LIMIT) {
            scalars32.clear();
        }
        return (Operand<TNumber>) (Operand<?>) scalars32.computeIfAbsent((float) v, tf::constant);
    }

    /** An int32 vector constant (shapes, axes, begins, sizes), cached. */
    private Operand<TInt32> ints(int... values) {
        if (ints.size() >= CACHE_LIMIT) {
            ints.clear();
        }
        return ints.computeIfAbsent("v" + Arrays.toString(values), k -> tf.constant(values));
    }

    /** An int32 scalar constant, cached. */
    private Operand<TInt32> int0(int value) {
        if (ints.size() >= CACHE_LIMIT) {
            ints.clear();
        }
        return ints.computeIfAbsent("s" + value, k -> tf.constant(value));
    }

    /** The paddings matrix of {@code Pad}: rank rows of (before, after), cached. */
    private Operand<TInt32> paddings(int[][] p) {
        if (ints.size() >= CACHE_LIMIT) {
            ints.clear();
        }
        return ints.computeIfAbsent("p" + Arrays.deepToString(p), k -> tf.constant(p));
    }

    private Operand<TInt32> dims(Shape s) {
        return ints(s.dims());
    }

    /** The axes 0 .. rank-1. */
    private Operand<TInt32> allAxes(int rank) {
        return rank == 1 ? ints(0) : ints(0, 1);
    }

    // ---------------------------------------------------------------- creation and copy-out

    @Override
    public Storage fromDoubles(double[] values, Shape shape, DType dtype) {
        Operand<? extends TNumber> c;
        if (dtype == DType.FLOAT64) {
            synchronized (session) {
                c = tf.constant(tfShape(shape), DataBuffers.of(values, true, false));
            }
        } else {
            float[] f = new float[values.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) values[i];
            }
            synchronized (session) {
                c = tf.constant(tfShape(shape), DataBuffers.of(f, true, false));
            }
        }
        return own(c, shape, dtype);
    }

    @Override
    public Storage full(Shape shape, DType dtype, double value) {
        Operand<TNumber> r;
        synchronized (session) {
            Operand<TNumber> v = scalar(dtype, value);
            r = shape.isScalar() ? v : tf.fill(dims(shape), v);
        }
        return own(r, shape, dtype);
    }

    @Override
    public Storage identity(int n, DType dtype) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1.0;
        }
        return fromDoubles(v, Shape.of(n, n), dtype);
    }

    @Override
    public double[] toDoubles(Storage a) {
        int n = a.shape().size();
        if (n == 0) {
            return new double[0];
        }
        Operand<TNumber> x = in(a);
        TNumber t;
        synchronized (session) {
            t = x.asTensor();
        }
        // a resolved tensor is immutable host memory, cached by its operation: it can be read without the lock
        double[] d = new double[n];
        if (a.dtype() == DType.FLOAT64) {
            ((TFloat64) t).copyTo(DataBuffers.of(d, false, false));
            return d;
        }
        float[] f = new float[n];
        ((TFloat32) t).copyTo(DataBuffers.of(f, false, false));
        for (int i = 0; i < n; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Override
    public double get(Storage a, int index) {
        Operand<TNumber> x = in(a);
        TNumber t;
        synchronized (session) {
            t = x.asTensor();
        }
        Shape s = a.shape();
        long[] coordinates = switch (s.rank()) {
            case 0 -> new long[0];
            case 1 -> new long[] {index};
            default -> new long[] {index / s.dim(1), index % s.dim(1)};
        };
        return a.dtype() == DType.FLOAT64 ? ((TFloat64) t).getDouble(coordinates)
                : ((TFloat32) t).getFloat(coordinates);
    }

    @Override
    public Storage cast(Storage a, DType dtype) {
        if (a.dtype() == dtype) {
            return a; // storages are immutable: sharing is safe
        }
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.dtypes.cast(in(a), type(dtype));
        }
        return own(r, a.shape(), dtype);
    }

    // ---------------------------------------------------------------- element-wise

    @Override
    public Storage unary(UnaryOp op, Storage a) {
        Operand<TNumber> x = in(a);
        DType t = a.dtype();
        Operand<TNumber> y;
        long scratch = 0;
        synchronized (session) {
            y = switch (op) {
                case NEG -> tf.math.neg(x);
                case EXP -> tf.math.exp(x);
                case LOG -> tf.math.log(x);
                case LOG1P -> tf.math.log1p(x);
                case EXPM1 -> tf.math.expm1(x);
                case SQRT -> tf.math.sqrt(x);
                case SQUARE -> tf.math.square(x);
                case RECIPROCAL -> tf.math.reciprocal(x);
                case ABS -> tf.math.abs(x);
                case SIGN -> tf.math.sign(x);
                case STEP -> tf.dtypes.cast(tf.math.greater(x, scalar(t, 0.0)), type(t));
                case TANH -> tf.math.tanh(x);
                case SIGMOID -> tf.math.sigmoid(x);
                case RELU -> tf.nn.relu(x);
                case SOFTPLUS -> tf.math.softplus(x);
                case SIN -> tf.math.sin(x);
                case COS -> tf.math.cos(x);
            };
        }
        if (op == UnaryOp.STEP) {
            scratch = a.shape().size();
        }
        return own(y, a.shape(), t, scratch);
    }

    @Override
    public Storage binary(BinaryOp op, Storage a, Storage b, Shape outShape) {
        Operand<TNumber> x = in(a);
        Operand<TNumber> y = in(b);
        DType t = a.dtype();
        Operand<TNumber> z;
        synchronized (session) {
            z = switch (op) {
                case ADD -> tf.math.add(x, y);
                case SUB -> tf.math.sub(x, y);
                case MUL -> tf.math.mul(x, y);
                case DIV -> tf.math.div(x, y);
                case MAX -> tf.math.maximum(x, y);
                case MIN -> tf.math.minimum(x, y);
                case GT -> indicator(tf.math.greater(x, y), t);
                case GE -> indicator(tf.math.greaterEqual(x, y), t);
                case LT -> indicator(tf.math.less(x, y), t);
                case LE -> indicator(tf.math.lessEqual(x, y), t);
                case EQ -> indicator(tf.math.equal(x, y), t);
            };
        }
        return own(z, outShape, t, op.isComparison() ? outShape.size() : 0);
    }

    private Operand<TNumber> indicator(Operand<TBool> mask, DType t) {
        return tf.dtypes.cast(mask, type(t));
    }

    @Override
    public Storage affine(Storage a, double scale, double shift) {
        if (scale == 1.0 && shift == 0.0) {
            return a;
        }
        Operand<TNumber> x = in(a);
        DType t = a.dtype();
        Operand<TNumber> y;
        synchronized (session) {
            if (scale == 1.0) {
                y = tf.math.add(x, scalar(t, shift));
            } else if (shift == 0.0) {
                y = tf.math.mul(x, scalar(t, scale));
            } else {
                y = tf.math.add(tf.math.mul(x, scalar(t, scale)), scalar(t, shift));
            }
        }
        return own(y, a.shape(), t, scale != 1.0 && shift != 0.0 ? bytes(a) : 0);
    }

    @Override
    public Storage pow(Storage a, double exponent) {
        if (exponent == 1.0) {
            return a;
        }
        Operand<TNumber> y;
        synchronized (session) {
            y = tf.math.pow(in(a), scalar(a.dtype(), exponent));
        }
        return own(y, a.shape(), a.dtype());
    }

    @Override
    public Storage where(Storage mask, Storage a, Storage b, Shape outShape) {
        DType t = a.dtype();
        Shape natural = broadcast(broadcast(mask.shape(), a.shape()), b.shape());
        Operand<TNumber> r;
        synchronized (session) {
            Operand<TBool> m = tf.math.notEqual(in(mask), scalar(mask.dtype(), 0.0));
            r = tf.select(m, in(a), in(b));
            if (!natural.equals(outShape)) {
                r = tf.broadcastTo(r, dims(outShape));
            }
        }
        return own(r, outShape, t, (long) outShape.size() * 2 * t.bytes());
    }

    /** NumPy broadcast of two shapes of rank at most 2 (the caller guarantees they are compatible). */
    private static Shape broadcast(Shape p, Shape q) {
        if (p.equals(q)) {
            return p;
        }
        int rank = Math.max(p.rank(), q.rank());
        int[] out = new int[rank];
        for (int i = 1; i <= rank; i++) {
            int u = i <= p.rank() ? p.dim(p.rank() - i) : 1;
            int v = i <= q.rank() ? q.dim(q.rank() - i) : 1;
            out[rank - i] = u == 1 ? v : u;
        }
        return Shape.of(out);
    }

    @Override
    public Storage broadcastTo(Storage a, Shape shape) {
        if (a.shape().equals(shape)) {
            return a;
        }
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.broadcastTo(in(a), dims(shape));
        }
        return own(r, shape, a.dtype());
    }

    // ---------------------------------------------------------------- linear algebra

    @Override
    public Storage matmul(Storage a, boolean transposeA, Storage b, boolean transposeB) {
        int m = transposeA ? a.shape().dim(1) : a.shape().dim(0);
        int n = transposeB ? b.shape().dim(0) : b.shape().dim(1);
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.linalg.matMul(in(a), in(b), MatMul.transposeA(transposeA), MatMul.transposeB(transposeB));
        }
        return own(r, Shape.of(m, n), a.dtype());
    }

    @Override
    public Storage transpose(Storage a) {
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.linalg.transpose(in(a), ints(1, 0));
        }
        return own(r, Shape.of(a.shape().dim(1), a.shape().dim(0)), a.dtype());
    }

    @Override
    public Storage dot(Storage a, Storage b) {
        int rank = a.shape().rank();
        Operand<TNumber> r;
        synchronized (session) {
            Operand<TNumber> p = tf.math.mul(in(a), in(b));
            r = rank == 0 ? p : tf.sum(p, allAxes(rank));
        }
        return own(r, Shape.scalar(), a.dtype(), rank == 0 ? 0 : bytes(a));
    }

    @Override
    public Storage solve(Storage a, Storage b) {
        int n = a.shape().dim(0);
        boolean vector = b.shape().rank() == 1;
        Operand<TNumber> r;
        synchronized (session) {
            Operand<TNumber> rhs = vector ? tf.reshape(in(b), ints(n, 1)) : in(b);
            try {
                r = tf.linalg.solve(in(a), rhs);
            } catch (IllegalArgumentException | IllegalStateException e) {
                // MatrixSolve refuses a singular matrix ("Input matrix is not invertible."): the contract asks NaN
                LOG.debug("MatrixSolve failed, returning NaN: {}", e.getMessage());
                r = null;
            }
            if (r == null) {
                r = tf.fill(dims(b.shape()), scalar(b.dtype(), Double.NaN));
            } else if (vector) {
                r = tf.reshape(r, ints(n));
            }
        }
        return own(r, b.shape(), b.dtype(), vector ? 2 * bytes(b) : 0);
    }

    // ---------------------------------------------------------------- reductions

    @Override
    public Storage reduce(ReduceOp op, Storage a, int axis, Shape outShape) {
        Shape in = a.shape();
        if (in.rank() == 0) {
            return a; // every reduction of one element is that element
        }
        boolean all = axis < 0 || in.rank() == 1;
        DType t = a.dtype();
        Operand<TNumber> x = in(a);
        Operand<TNumber> r;
        long scratch = 0;
        synchronized (session) {
            Operand<TInt32> axes = all ? allAxes(in.rank()) : ints(axis);
            r = switch (op) {
                case SUM -> tf.sum(x, axes);
                case MAX -> tf.max(x, axes);
                case MIN -> tf.min(x, axes);
                case LOG_SUM_EXP -> logSumExp(x, t, axes, !all && axis == 1, outShape);
            };
        }
        if (op == ReduceOp.LOG_SUM_EXP) {
            scratch = 3 * bytes(a);
        }
        return own(r, outShape, t, scratch);
    }

    /**
     * m + log Σ exp(x - m) with m the maximum clipped to the finite range: never overflows, and gives -∞
     * when every element is -∞ and +∞ when one is +∞ (the reference's guard on an infinite m).
     *
     * @param keepDims reduce with kept dimensions (the last axis of a matrix, whose maximum does not broadcast
     *                 against the rows otherwise)
     */
    private Operand<TNumber> logSumExp(Operand<TNumber> x, DType t, Operand<TInt32> axes, boolean keepDims,
            Shape outShape) {
        double big = t == DType.FLOAT64 ? Double.MAX_VALUE : Float.MAX_VALUE;
        Operand<TNumber> m = tf.max(x, axes, Max.keepDims(keepDims));
        Operand<TNumber> safe = tf.clipByValue(m, scalar(t, -big), scalar(t, big));
        Operand<TNumber> s = tf.sum(tf.math.exp(tf.math.sub(x, safe)), axes, Sum.keepDims(keepDims));
        Operand<TNumber> r = tf.math.add(tf.math.log(s), safe);
        return keepDims ? tf.reshape(r, dims(outShape)) : r;
    }

    // ---------------------------------------------------------------- shape

    @Override
    public Storage reshape(Storage a, Shape shape) {
        if (a.shape().equals(shape)) {
            return a;
        }
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.reshape(in(a), dims(shape));
        }
        return own(r, shape, a.dtype());
    }

    @Override
    public Storage slice(Storage a, int axis, int start, int end) {
        Shape in = a.shape();
        int[] begin = new int[in.rank()];
        int[] size = in.dims();
        begin[axis] = start;
        size[axis] = end - start;
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.slice(in(a), ints(begin), ints(size));
        }
        return own(r, Shape.of(size), a.dtype());
    }

    @Override
    public Storage pad(Storage a, int axis, int offset, Shape outShape) {
        int[][] p = new int[outShape.rank()][2];
        p[axis][0] = offset;
        p[axis][1] = outShape.dim(axis) - offset - a.shape().dim(axis);
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.pad(in(a), paddings(p), scalar(a.dtype(), 0.0));
        }
        return own(r, outShape, a.dtype());
    }

    @Override
    public Storage gather(Storage a, int[] indices) {
        Shape in = a.shape();
        Shape out = in.rank() == 1 ? Shape.of(indices.length) : Shape.of(indices.length, in.dim(1));
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.gather(in(a), indices(indices), int0(0));
        }
        return own(r, out, a.dtype());
    }

    private Operand<TInt32> indices(int[] indices) {
        return indices.length <= CACHED_INDICES ? ints(indices) : tf.constant(indices);
    }

    @Override
    public Storage scatterAdd(Storage a, int[] indices, Shape outShape) {
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.math.unsortedSegmentSum(in(a), indices(indices), int0(outShape.dim(0)));
        }
        return own(r, outShape, a.dtype());
    }

    @Override
    public Storage concat(List<Storage> parts, int axis, Shape outShape) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Operand<TNumber>> operands = new ArrayList<>(parts.size());
        for (Storage p : parts) {
            operands.add(in(p));
        }
        Operand<TNumber> r;
        synchronized (session) {
            r = tf.concat(operands, int0(axis));
        }
        return own(r, outShape, parts.get(0).dtype());
    }
}
