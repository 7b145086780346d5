package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.autodiff.Autodiff;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per backend and element type: one gradient and one Hessian-vector product (autodiff) of the L2-regularised
 * logistic loss with n = 10,000 samples and d features.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms6g", "-Xmx6g"})
public class BackendLogisticBenchmark {
    @Param({"ejml", "djl", "tensorflow"})
    String backend;

    @Param({"float64", "float32"})
    String dtype;

    @Param({"500", "5000"})
    int d;

    static final int N = 10_000;

    Tensor x;
    Tensor minusY;
    Tensor w;
    Tensor v;

    @Setup
    public void setup() {
        Backend be = Backends.get(backend);
        DType t = dtype.equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
        SplittableRandom rng = new SplittableRandom(1);
        x = be.randomNormal(Shape.of(N, d), t, rng).div(Math.sqrt(d));
        minusY = be.randomUniform(Shape.of(N), t, -1, 1, rng).sign().neg();
        w = be.randomNormal(Shape.of(d), t, rng);
        v = be.randomNormal(Shape.of(d), t, rng);
    }

    private Tensor loss(Tensor weights) {
        return x.matmul(weights).mul(minusY).softplus().mean().add(weights.dot(weights).mul(0.05));
    }

    /** ∇L(w) by reverse-mode autodiff. */
    @Benchmark
    public Tensor gradient() {
        Tensor g = Autodiff.grad(this::loss, w);
        g.get(0);
        return g;
    }

    /** ∇²L(w) v by reverse-over-reverse autodiff. */
    @Benchmark
    public Tensor hessianVectorProduct() {
        Tensor h = Autodiff.hvp(this::loss, w, v);
        h.get(0);
        return h;
    }
}
