package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
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
 * Per backend and element type: one AID-CG hypergradient (t = k = 20) of per-feature L2-regularised logistic
 * regression with d = 2,000 features and n = 5,000 training and 5,000 validation samples.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class BackendHypergradientBenchmark {
    @Param({"ejml", "djl", "tensorflow"})
    String backend;

    @Param({"float64", "float32"})
    String dtype;

    static final int N = 5_000;
    static final int D = 2_000;

    BilevelProblem problem;
    Tensor lambda;
    AidEstimator cg = AidEstimator.conjugateGradient(20, 20);

    @Setup
    public void setup() {
        Backend be = Backends.get(backend);
        DType t = dtype.equals("float64") ? DType.FLOAT64 : DType.FLOAT32;
        SplittableRandom rng = new SplittableRandom(7);
        Tensor wStar = be.randomNormal(Shape.of(D), t, rng);
        Tensor x = be.randomNormal(Shape.of(N, D), t, rng).div(Math.sqrt(D));
        Tensor xv = be.randomNormal(Shape.of(N, D), t, rng).div(Math.sqrt(D));
        Tensor ax = x.mul(x.matmul(wStar).sign().reshape(N, 1));
        Tensor av = xv.mul(xv.matmul(wStar).sign().reshape(N, 1));
        ScalarObjective inner = ScalarObjective.of((w, l) -> ax.matmul(w).neg().softplus().mean()
                .add(l.exp().mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> av.matmul(w).neg().softplus().mean());
        problem = BilevelProblem.optimization(outer, inner, Shape.of(D), Shape.of(D), 1.0);
        lambda = be.full(Shape.of(D), t, Math.log(0.1));
    }

    /** One AID-CG hypergradient. */
    @Benchmark
    public HypergradientEstimate aidConjugateGradient() {
        return cg.estimate(problem, lambda);
    }
}
