package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
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
 * L2-regularised logistic loss L(w) = (1/n) Σ log(1 + exp(-yᵢ xᵢ·w)) + (λ/2)‖w‖² in float64:
 * its gradient by autodiff against a hand-written closed form on EJML (the same EJML products the backend
 * uses), and its Hessian-vector product by autodiff (reverse over reverse).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 2, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class LogisticLossBenchmark {
    @Param({"10000"})
    int n;

    @Param({"500"})
    int d;

    private static final double LAMBDA = 0.1;

    Tensor x;
    Tensor minusY;
    Tensor w;
    Tensor v;
    DMatrixRMaj xm;
    DMatrixRMaj wm;
    double[] y;

    @Setup
    public void setup() {
        Backend b = Backends.get("ejml");
        SplittableRandom rng = new SplittableRandom(1);
        x = b.randomNormal(Shape.of(n, d), org.bilevel4j.api.tensor.types.DType.FLOAT64, rng);
        y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextBoolean() ? 1 : -1;
        }
        minusY = b.vector(y).neg();
        w = b.randomNormal(Shape.of(d), org.bilevel4j.api.tensor.types.DType.FLOAT64, rng).mul(0.1);
        v = b.randomNormal(Shape.of(d), org.bilevel4j.api.tensor.types.DType.FLOAT64, rng);
        xm = DMatrixRMaj.wrap(n, d, x.toDoubleArray());
        wm = DMatrixRMaj.wrap(d, 1, w.toDoubleArray());
    }

    Tensor loss(Tensor weights) {
        return x.matmul(weights).mul(minusY).softplus().mean().add(weights.dot(weights).mul(LAMBDA / 2));
    }

    /** Gradient by reverse-mode autodiff. */
    @Benchmark
    public Tensor autodiffGradient() {
        return Autodiff.grad(this::loss, w);
    }

    /** Hessian-vector product by reverse-over-reverse autodiff. */
    @Benchmark
    public Tensor autodiffHessianVectorProduct() {
        return Autodiff.hvp(this::loss, w, v);
    }

    /**
     * The closed form on EJML: z = X w, sᵢ = -yᵢ σ(-yᵢ zᵢ)/n, g = Xᵀs + λ w, with
     * EJML's single-threaded matrix-vector kernels (its threaded ones are several times slower for a vector).
     */
    @Benchmark
    public DMatrixRMaj handWrittenEjmlGradient() {
        DMatrixRMaj z = new DMatrixRMaj(n, 1);
        CommonOps_DDRM.mult(xm, wm, z);
        double[] zs = z.data;
        for (int i = 0; i < n; i++) {
            double m = -y[i] * zs[i];
            double sigma = m >= 0 ? 1.0 / (1.0 + Math.exp(-m)) : Math.exp(m) / (1.0 + Math.exp(m));
            zs[i] = -y[i] * sigma / n;
        }
        DMatrixRMaj g = new DMatrixRMaj(d, 1);
        CommonOps_DDRM.multTransA(xm, z, g);
        double[] gs = g.data;
        double[] ws = wm.data;
        for (int j = 0; j < d; j++) {
            gs[j] += LAMBDA * ws[j];
        }
        return g;
    }
}
