package org.bilevel4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.tensorflow.EagerSession;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;
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

/**
 * The native libraries called directly, without bilevel4j: a 512&times;512 product on DJL/PyTorch and on eager
 * TensorFlow, the references for the overhead of the bilevel4j layer in {@link BackendKernelBenchmark#matmul512()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-Dai.djl.offline=true", "-DOPT_OUT_TRACKING=true"})
public class NativeMatmulBenchmark {
    @Param({"float64", "float32"})
    String dtype;

    NDManager manager;
    NDArray a;
    NDArray b;
    EagerSession session;
    Ops tf;
    Operand<? extends TNumber> ta;
    Operand<? extends TNumber> tb;

    @Setup
    public void setup() {
        manager = NDManager.newBaseManager();
        DataType t = dtype.equals("float64") ? DataType.FLOAT64 : DataType.FLOAT32;
        a = manager.randomNormal(new ai.djl.ndarray.types.Shape(512, 512), t);
        b = manager.randomNormal(new ai.djl.ndarray.types.Shape(512, 512), t);
        session = EagerSession.create();
        tf = Ops.create(session);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        double[] va = new double[512 * 512];
        double[] vb = new double[512 * 512];
        for (int i = 0; i < va.length; i++) {
            va[i] = rng.nextGaussian();
            vb[i] = rng.nextGaussian();
        }
        org.tensorflow.ndarray.Shape s = org.tensorflow.ndarray.Shape.of(512, 512);
        if (t == DataType.FLOAT64) {
            ta = tf.constant(s, DataBuffers.of(va, true, false));
            tb = tf.constant(s, DataBuffers.of(vb, true, false));
        } else {
            ta = tf.dtypes.cast(tf.constant(s, DataBuffers.of(va, true, false)), TFloat32.class);
            tb = tf.dtypes.cast(tf.constant(s, DataBuffers.of(vb, true, false)), TFloat32.class);
        }
    }

    @TearDown
    public void tearDown() {
        manager.close();
        session.close();
    }

    /** DJL NDArray.matMul, result closed after reading one element. */
    @Benchmark
    public double djlDirect() {
        try (NDArray c = a.matMul(b)) {
            return c.getDataType() == DataType.FLOAT64 ? c.getDouble(0, 0) : c.getFloat(0, 0);
        }
    }

    /** Eager tf.linalg.matMul, one element read back (which waits for the result). */
    @Benchmark
    @SuppressWarnings("unchecked")
    public Object tensorflowDirect() {
        Operand<TNumber> c = tf.linalg.matMul((Operand<TNumber>) ta, (Operand<TNumber>) tb);
        return c.asTensor().shape();
    }
}
