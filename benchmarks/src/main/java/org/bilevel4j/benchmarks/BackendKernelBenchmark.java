package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per backend and element type: a 512×512 matrix product through {@link Tensor#matmul}, and the per-operation
 * overhead on 4×4 tensors (a chain of 100 adds and multiplies, score per operation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class BackendKernelBenchmark {
    @Param({"ejml", "djl", "tensorflow"})
    String backend;

    @Param({"float64", "float32"})
    String dtype;

    Tensor a;
    Tensor b;
    Tensor small;
    Tensor smallFactor;

    @Setup
    public void setup() {
        Backend be = Backends.get(backend);
        DType t = dtype.equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
        SplittableRandom rng = new SplittableRandom(1);
        a = be.randomNormal(Shape.of(512, 512), t, rng);
        b = be.randomNormal(Shape.of(512, 512), t, rng);
        small = be.randomNormal(Shape.of(4, 4), t, rng);
        smallFactor = be.randomNormal(Shape.of(4, 4), t, rng).mul(0.01).add(1);
    }

    /** C = A B, 512×512. */
    @Benchmark
    public Tensor matmul512() {
        Tensor c = a.matmul(b);
        c.get(0); // wait for asynchronous backends
        return c;
    }

    /** 100 element-wise operations on 4×4 tensors; the score is per operation. */
    @Benchmark
    @OperationsPerInvocation(100)
    public Tensor smallOps() {
        Tensor y = small;
        for (int i = 0; i < 50; i++) {
            y = y.add(small).mul(smallFactor);
        }
        y.get(0);
        return y;
    }
}
