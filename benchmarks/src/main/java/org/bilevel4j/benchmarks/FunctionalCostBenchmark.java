package org.bilevel4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.AidDiagnostics;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.FuncId;
import org.bilevel4j.functional.FunctionalGradient;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Time of one total gradient, FuncID against AID on the network weights (Petrulionytė, Mairal, Arbel, "Functional
 * Bilevel Optimization for Machine Learning", NeurIPS 2024, Table 1 and Figure 4), on the instance of
 * {@link FunctionalCost}: an MLP d_x = 10 → H → H → d_v with p_in weights, n = 64 samples, k = 10 adjoint
 * iterations for both (AID: 10 conjugate-gradient iterations, each a Hessian-vector product in θ; FuncID: 10 SGD
 * steps of an adjoint network of the same architecture, each with output Hessian-vector products in ℝ^{d_v}), float64.
 * The setup runs the configuration to be timed once (which also warms it up) and refuses to time it unless it did exactly k adjoint iterations without
 * diverging. d_v = 100 has no network of about 100 weights (the smallest has 213), so that pair is not run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class FunctionalCostBenchmark {
    /** d_x */
    static final int DX = 10;
    /** n, the batch (the whole data set) */
    static final int N = 64;
    /** k, adjoint iterations of both methods */
    static final int K = 10;
    /** the adjoint SGD step */
    static final double LEARNING_RATE = 1e-3;

    @Param({"ejml", "djl"})
    String backend;

    @Param({"100", "1000", "10000", "100000", "1000000"})
    long pIn;

    @Param({"1", "10", "100"})
    int dv;

    OptimizationBilevelProblem parametric;
    AidEstimator aid;
    FuncId funcId;
    FunctionalCost cost;

    /**
     * The instance timed here, also run by {@link FunctionalCostPaired} and {@link FunctionalCostMemory}.
     *
     * @param backend the backend's name
     * @param pIn     the number of weights wanted (the width H is chosen by {@link FunctionalCost#widthFor})
     * @param dv      d_v
     * @return the instance with d_x = DX, n = N, seed 1
     */
    static FunctionalCost instance(String backend, long pIn, int dv) {
        return FunctionalCost.of(Backends.get(backend), DX, N, FunctionalCost.widthFor(DX, pIn, dv), dv, 1);
    }

    /**
     * @param cost the instance
     * @return the FuncID configuration timed here: K adjoint SGD steps at LEARNING_RATE, the adjoint's initial ξ of
     *         seed 2
     */
    static FuncId funcId(FunctionalCost cost) {
        return cost.funcId(K, LEARNING_RATE, 2);
    }

    @Setup
    public void setup(BenchmarkParams params) {
        cost = instance(backend, pIn, dv);
        parametric = cost.parametric();
        aid = FunctionalCost.aid(K);
        funcId = funcId(cost);
        if (params.getBenchmark().endsWith(".funcId")) {
            checkFuncId();
        } else if (params.getBenchmark().endsWith(".aid")) {
            checkAid();
        }
    }

    private void checkAid() {
        HypergradientEstimate e = aid.estimate(parametric, cost.w());
        int cg = ((AidDiagnostics) e.diagnostics()).linearSolve().iterations();
        if (e.status().isFailure() || cg != K) {
            throw new IllegalStateException("AID: expected " + K + " CG iterations without failure, got " + cg + ", "
                    + e.status() + ": " + e.message());
        }
    }

    private void checkFuncId() {
        FunctionalGradient g = funcId.totalGradient(cost.w());
        if (g.status().isFailure() || g.adjointIterations() != K) {
            throw new IllegalStateException("FuncID: expected " + K + " adjoint steps without failure, got "
                    + g.adjointIterations() + ", " + g.status() + ": " + g.message());
        }
    }

    /** One AID-CG total gradient: t = 0, k CG iterations on the network weights. */
    @Benchmark
    public HypergradientEstimate aid() {
        return aid.estimate(parametric, cost.w());
    }

    /** One FuncID total gradient: inner model as learned, k SGD steps of the adjoint network, TotalGrad. */
    @Benchmark
    public FunctionalGradient funcId() {
        return funcId.totalGradient(cost.w());
    }

    /** T_h, the unit of the paper's cost model: one forward pass of the inner network on the n samples. */
    @Benchmark
    public Tensor forward() {
        return cost.model().apply(cost.theta(), cost.problem().innerData().x());
    }
}
