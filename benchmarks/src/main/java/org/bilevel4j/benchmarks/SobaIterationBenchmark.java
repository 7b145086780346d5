package org.bilevel4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Sampler;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.algorithms.stochastic.soba.Soba;
import org.bilevel4j.api.autodiff.PartialGradients;
import org.bilevel4j.api.autodiff.SecondOrderProducts;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
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
 * One SOBA iteration (Dagréou, Ablin, Vaiter, Moreau, NeurIPS 2022) at batch size b on per-feature L2 tuning of a
 * logistic regression (n = m = 50,000 samples, d = 100), against the b-sample oracles the iteration calls: the fused
 * inner call (∇_w g_B, ∇²_ww g_B·v, ∇²_λw g_B·v) and the outer gradient (∇_w f_J, ∇_λ f_J) on batches of b drawn
 * with replacement. The difference is the method's own cost (sampling, the three axpy updates, accounting).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class SobaIterationBenchmark {
    @Param({"ejml", "djl"})
    String backend;

    @Param({"1", "64", "1024"})
    int batch;

    static final int N = 50_000;
    static final int D = 100;

    FiniteSumBilevelProblem problem;
    SingleLoopMethod.Iteration iteration;
    Sampler inner;
    Sampler outer;
    Tensor w;
    Tensor v;
    Tensor l;
    long t;

    @Setup
    public void setup() {
        Backend b = Backends.get(backend);
        problem = StochasticLogistic.problem(b, N, N, D, 3);
        Sampling.Samplers samplers = Sampling.of(Scheme.WITH_REPLACEMENT, batch, 5).samplers(N, N);
        inner = samplers.inner();
        outer = samplers.outer();
        l = b.full(Shape.of(D), DType.FLOAT64, Math.log(0.1));
        w = b.randomNormal(Shape.of(D), DType.FLOAT64, new java.util.SplittableRandom(9)).mul(0.1);
        v = w.mul(0.5);
        // tiny steps: the iterate stays where the oracles are timed
        iteration = new Soba(StepSizes.constant(1e-9, 1e-9)).start(new SingleLoopMethod.Context(
                new StochasticOracles(problem), new BilevelState(w, v, l), Projection.none(), samplers));
    }

    /** One SOBA iteration: draw B and J, the fused inner call, the outer gradient, the joint step. */
    @Benchmark
    public BilevelState sobaIteration() {
        BilevelState s = iteration.step(t++, inner.next(), outer.next());
        s.outer().get(0);
        return s;
    }

    /** The b-sample oracles of one SOBA iteration alone, at a fixed point, on freshly drawn batches. */
    @Benchmark
    public Object oraclesOnly() {
        SecondOrderProducts p = problem.innerSecondOrder(w, l, v, inner.next().indices());
        PartialGradients g = problem.outerGradient(w, l, outer.next().indices());
        p.crossVector().get(0);
        g.outer().get(0);
        return g;
    }
}
