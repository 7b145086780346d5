package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.api.autodiff.PartialGradients;
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
 * One hypergradient of L2-regularised logistic regression with one penalty per feature (n = 5,000 training and
 * 5,000 validation points, float64, EJML), by ITD, AID-FP and AID-CG with t = k, and one plain gradient of the inner
 * objective for the cheap-gradient ratio time(AID-CG) / ((t + 2k) × time(gradient)).
 * <pre>
 *   g(w, λ) = (1/n) Σ log(1 + exp(-yᵢ xᵢ·w)) + ½ Σ exp(λⱼ) wⱼ²,   E = validation loss
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g"})
public class HypergradientBenchmark {
    @Param({"200", "2000"})
    int d;

    @Param({"10", "100"})
    int tk;

    static final int N = 5_000;

    BilevelProblem problem;
    ScalarObjective inner;
    Tensor lambda;
    Tensor w;
    ItdEstimator itd;
    AidEstimator fp;
    AidEstimator cg;

    @Setup
    public void setup() {
        Backend b = Backends.get("ejml");
        SplittableRandom rng = new SplittableRandom(7);
        Tensor wStar = b.randomNormal(Shape.of(d), DType.FLOAT64, rng);
        Tensor x = b.randomNormal(Shape.of(N, d), DType.FLOAT64, rng).div(Math.sqrt(d));
        Tensor xv = b.randomNormal(Shape.of(N, d), DType.FLOAT64, rng).div(Math.sqrt(d));
        Tensor ax = x.mul(x.matmul(wStar).sign().reshape(N, 1));
        Tensor av = xv.mul(xv.matmul(wStar).sign().reshape(N, 1));
        inner = ScalarObjective.of((w, l) -> ax.matmul(w).neg().softplus().mean()
                .add(l.exp().mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> av.matmul(w).neg().softplus().mean());
        problem = BilevelProblem.optimization(outer, inner, Shape.of(d), Shape.of(d), 1.0);
        lambda = b.full(Shape.of(d), DType.FLOAT64, Math.log(0.1));
        w = b.randomNormal(Shape.of(d), DType.FLOAT64, rng).mul(0.1);
        itd = ItdEstimator.reverse(tk);
        fp = AidEstimator.fixedPoint(tk, tk);
        cg = AidEstimator.conjugateGradient(tk, tk);
    }

    /** ITD through t gradient steps (reverse mode, stored trajectory). */
    @Benchmark
    public HypergradientEstimate itd() {
        return itd.estimate(problem, lambda);
    }

    /** AID-FP with t inner steps and k = t fixed-point iterations. */
    @Benchmark
    public HypergradientEstimate aidFixedPoint() {
        return fp.estimate(problem, lambda);
    }

    /** AID-CG with t inner steps and k = t CG iterations. */
    @Benchmark
    public HypergradientEstimate aidConjugateGradient() {
        return cg.estimate(problem, lambda);
    }

    /** One gradient of the inner objective in w (the unit of the cheap-gradient ratio). */
    @Benchmark
    public PartialGradients innerGradient() {
        return inner.gradient(w, lambda);
    }
}
