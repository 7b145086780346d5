package org.bilevel4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TNumber;

/**
 * The native libraries called directly, without bilevel4j: a 512×512 product on DJL/PyTorch and on eager
 * TensorFlow, the references for the overhead of the bilevel4j layer in {@link BackendKernelBenchmark#matmul512()}.
 * Each library has its own state, so that a fork loads only the library it measures.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class NativeMatmulBenchmark {
    static final int N = 512;

    /** Two random N×N operands on DJL/PyTorch. */
    @State(Scope.Benchmark)
    public static class Djl {
        @Param({"float64", "float32"})
        String dtype;

        NDManager manager;
        NDArray a;
        NDArray b;

        @Setup
        public void setup() {
            manager = NDManager.newBaseManager();
            DataType t = dtype.equals("float64") ? DataType.FLOAT64 : DataType.FLOAT32;
            a = manager.randomNormal(new ai.djl.ndarray.types.Shape(N, N), t);
            b = manager.randomNormal(new ai.djl.ndarray.types.Shape(N, N), t);
        }

        @TearDown
        public void tearDown() {
            manager.close();
        }
    }

    /**
     * Two random N×N operands on eager TensorFlow. TensorFlow Java 1.x frees an eager result only once the
     * garbage collector finds it unreachable, and the collector does not see native memory: without collections
     * every result (2 MB in float64) stays allocated and the product ran 1.5–2.2× slower. The
     * benchmark therefore collects every {@value #COLLECT_EVERY} results, as a user of TensorFlow Java must (the
     * bilevel4j backend does the same, by native bytes).
     */
    @State(Scope.Benchmark)
    public static class Tensorflow {
        @Param({"float64", "float32"})
        String dtype;

        static final int COLLECT_EVERY = 100;

        EagerSession session;
        int calls;
        Ops tf;
        Operand<? extends TNumber> a;
        Operand<? extends TNumber> b;

        @Setup
        public void setup() {
            session = EagerSession.create();
            tf = Ops.create(session);
            java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
            double[] va = new double[N * N];
            double[] vb = new double[N * N];
            for (int i = 0; i < va.length; i++) {
                va[i] = rng.nextGaussian();
                vb[i] = rng.nextGaussian();
            }
            org.tensorflow.ndarray.Shape s = org.tensorflow.ndarray.Shape.of(N, N);
            Operand<TFloat64> a64 = tf.constant(s, DataBuffers.of(va, true, false));
            Operand<TFloat64> b64 = tf.constant(s, DataBuffers.of(vb, true, false));
            if (dtype.equals("float64")) {
                a = a64;
                b = b64;
            } else {
                a = tf.dtypes.cast(a64, TFloat32.class);
                b = tf.dtypes.cast(b64, TFloat32.class);
            }
        }

        @TearDown
        public void tearDown() {
            session.close();
        }
    }

    /** DJL NDArray.matMul, result closed after reading one element. */
    @Benchmark
    public double djlDirect(Djl s) {
        try (NDArray c = s.a.matMul(s.b)) {
            return c.getDataType() == DataType.FLOAT64 ? c.getDouble(0, 0) : c.getFloat(0, 0);
        }
    }

    /** Eager tf.linalg.matMul, the result resolved (which waits for it). */
    @Benchmark
    @SuppressWarnings("unchecked")
    public Object tensorflowDirect(Tensorflow s) {
        if (++s.calls % Tensorflow.COLLECT_EVERY == 0) {
            System.gc();
        }
        Operand<TNumber> c = s.tf.linalg.matMul((Operand<TNumber>) s.a, (Operand<TNumber>) s.b);
        return c.asTensor().shape();
    }
}
