package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
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
 * The logistic loss (1/n) Σᵢ ln(1 + e^(−yᵢ xᵢ·w)) on the EJML backend, float64, written three ways: "composed"
 * ({@code x.matmul(w).mul(-y).softplus().mean()}: X w, then Xᵀ of the per-sample factors), "fused"
 * ({@link Tensor#linearModelLoss}, one pass over X per gradient and per Hessian-vector product, SIMD row kernels:
 * the fork runs with {@code --add-modules jdk.incubator.vector}) and "fused-scalar" (the same with
 * {@code bilevel4j.ejml.simd=false}). Timed: the gradient by {@code Autodiff.grad} and the Hessian-vector product by
 * {@code Autodiff.hvp}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FusedLossBenchmark -p d=200,2000
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class FusedLossBenchmark {
    @Param({"5000"})
    int n;

    @Param({"200"})
    int d;

    @Param({"composed", "fused", "fused-scalar"})
    String loss;

    UnaryOperator<Tensor> f;
    Tensor w;
    Tensor v;

    @Setup
    public void setup() {
        if (loss.equals("fused-scalar")) {
            System.setProperty("bilevel4j.ejml.simd", "false"); // read once, at the first fused kernel call
        }
        Backend b = Backends.get("ejml");
        SplittableRandom rng = new SplittableRandom(1);
        Tensor x = b.randomNormal(Shape.of(n, d), DType.FLOAT64, rng);
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextBoolean() ? 1 : -1;
        }
        Tensor minusY = b.vector(y).neg();
        w = b.randomNormal(Shape.of(d), DType.FLOAT64, rng).mul(1 / Math.sqrt(d));
        v = b.randomNormal(Shape.of(d), DType.FLOAT64, rng);
        f = switch (loss) {
            case "composed" -> p -> x.matmul(p).mul(minusY).softplus().mean();
            case "fused", "fused-scalar" -> p -> x.linearModelLoss(LinearModelLoss.LOGISTIC, p, minusY).div(n);
            default -> throw new IllegalArgumentException("loss: expected composed, fused or fused-scalar, got '"
                    + loss + "'");
        };
    }

    /** ∇L(w) by reverse-mode autodiff. */
    @Benchmark
    public Tensor gradient() {
        return Autodiff.grad(f, w);
    }

    /** ∇²L(w) v by reverse over reverse. */
    @Benchmark
    public Tensor hessianVectorProduct() {
        return Autodiff.hvp(f, w, v);
    }
}
