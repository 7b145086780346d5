package org.bilevel4j.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * bilevel4j against PyTorch on identical inputs: the data, inner step and hypergradients written by
 * {@code benchmarks/torch/torch_logistic.py --dump PREFIX} (per-feature L2-regularised logistic regression, n
 * training and n validation samples, d features, λ = log 0.1 per feature). Per backend: ITD (reverse mode through
 * t gradient steps with step 1/L from w = 0, the estimator's default mode), AID-CG (the same t steps, then k
 * conjugate-gradient steps on the Hessian system) and one gradient of the inner objective in w at w = 0.
 *
 * <p>Before a hypergradient is timed, it is computed once and compared with PyTorch's: a relative error
 * ‖h - h_torch‖/‖h_torch‖ above 1e-12 fails the run (the set-up throws), so a figure in the table is always the
 * time of the same result. Times are sampled per call (median in the JSON output's percentiles). Run through
 * {@code benchmarks/side-by-side.sh}, which makes the data, runs both sides and prints the ratio table; by hand:
 *
 * <pre>
 * python3 benchmarks/torch/torch_logistic.py --d 200 --t 10 --k 10 --dump /tmp/sbs/d200_t10_
 * java -jar benchmarks/target/benchmarks.jar SideBySide -p data=/tmp/sbs/d200_t10_ -p t=10 -p k=10
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
// the Vector API module lets the EJML backend run its fused kernels in SIMD arithmetic
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "--add-modules", "jdk.incubator.vector"})
public class SideBySideBenchmark {
    /** Largest accepted ‖h - h_torch‖/‖h_torch‖. */
    static final double TOLERANCE = 1e-12;

    /**
     * The backend; "ejml-scalar" is EJML with its fused kernels in scalar arithmetic, as on a JVM started without
     * {@code --add-modules jdk.incubator.vector} (each parameter set runs in a fork of its own).
     */
    @Param({"ejml", "ejml-scalar", "djl", "tensorflow"})
    String backend;

    /** The prefix given to {@code torch_logistic.py --dump}. */
    @Param({""})
    String data;

    @Param({"10"})
    int t;

    @Param({"10"})
    int k;

    /**
     * How the logistic losses are written: "fused" ({@link Tensor#linearModelLoss}, one pass over the data per
     * gradient and per Hessian-vector product on a backend with a fused kernel) or "composed" (matmul, mul,
     * softplus, mean: the operations PyTorch's side runs).
     */
    @Param({"fused"})
    String loss;

    /** ITD's mode: "default" (the builder's) or a {@link ItdEstimator.Mode} name. */
    @Param({"default"})
    String itdMode;

    BilevelProblem problem;
    Tensor lambda;
    Tensor zero;
    ItdEstimator itd;
    AidEstimator aid;
    /** w ↦ g(w, λ), the inner objective at the data's λ. */
    UnaryOperator<Tensor> innerAtLambda;

    /**
     * Loads the data and checks, before timing, that the hypergradient this fork times agrees with PyTorch's.
     *
     * @param params the benchmark being run (the check is made for the method it times)
     */
    @Setup
    public void setup(BenchmarkParams params) {
        setup(params.getBenchmark());
    }

    /** @param timed the benchmark method's full name, or "" to check nothing (for plain timing loops) */
    void setup(String timed) {
        if (data.isEmpty()) {
            throw new IllegalArgumentException("data: expected the prefix given to torch_logistic.py --dump "
                    + "(-p data=/path/prefix_), got an empty string");
        }
        if (backend.equals("ejml-scalar")) {
            System.setProperty("bilevel4j.ejml.simd", "false"); // read once, at the first fused kernel call
        }
        Backend be = Backends.get(backend.equals("ejml-scalar") ? "ejml" : backend);
        Tensor x = matrix(be, "X");
        Tensor xv = matrix(be, "Xv");
        Tensor minusY = vector(be, "y").neg();
        Tensor minusYv = vector(be, "yv").neg();
        lambda = vector(be, "lam");
        int d = lambda.shape().dim(0);
        if (x.shape().dim(1) != d || xv.shape().dim(1) != d) {
            throw new IllegalArgumentException("data: expected X and Xv with " + d + " columns (the size of lam), got "
                    + x.shape() + " and " + xv.shape());
        }
        double alpha = Double.parseDouble(text("alpha.txt").strip());
        BinaryOperator<Tensor> fit;
        BinaryOperator<Tensor> validation;
        if (loss.equals("fused")) {
            fit = (w, l) -> x.linearModelLoss(LinearModelLoss.LOGISTIC, w, minusY).div(x.shape().dim(0));
            validation = (w, l) -> xv.linearModelLoss(LinearModelLoss.LOGISTIC, w, minusYv).div(xv.shape().dim(0));
        } else if (loss.equals("composed")) {
            fit = (w, l) -> x.matmul(w).mul(minusY).softplus().mean();
            validation = (w, l) -> xv.matmul(w).mul(minusYv).softplus().mean();
        } else {
            throw new IllegalArgumentException("loss: expected fused or composed, got '" + loss + "'");
        }
        BinaryOperator<Tensor> g = (w, l) -> fit.apply(w, l).add(l.exp().mul(w).mul(w).sum().mul(0.5));
        ScalarObjective inner = ScalarObjective.of(g);
        innerAtLambda = w -> g.apply(w, lambda);
        ScalarObjective outer = ScalarObjective.of(validation);
        problem = BilevelProblem.optimization(outer, inner, Shape.of(d), Shape.of(d), alpha);
        zero = be.zeros(Shape.of(d), DType.FLOAT64);
        ItdEstimator.Builder b = ItdEstimator.builder().innerSteps(t);
        itd = (itdMode.equals("default") ? b : b.mode(ItdEstimator.Mode.valueOf(itdMode))).build();
        aid = AidEstimator.conjugateGradient(t, k);
        if (timed.endsWith(".itd")) {
            check("ITD", itd.estimate(problem, lambda), "torch_itd.txt");
        } else if (timed.endsWith(".aidCg")) {
            check("AID-CG", aid.estimate(problem, lambda), "torch_aid-cg.txt");
        }
    }

    private void check(String method, HypergradientEstimate estimate, String torchFile) {
        double[] h = estimate.hypergradient().toDoubleArray();
        double[] ref = Arrays.stream(text(torchFile).split("\\s+")).filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble).toArray();
        if (ref.length != h.length) {
            throw new IllegalStateException(method + ": expected " + ref.length + " entries as in " + data + torchFile
                    + ", got " + h.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < h.length; i++) {
            diff += (h[i] - ref[i]) * (h[i] - ref[i]);
            norm += ref[i] * ref[i];
        }
        double rel = Math.sqrt(diff / norm);
        if (!(rel <= TOLERANCE)) {
            throw new IllegalStateException(method + " on " + backend + ": expected the hypergradient of PyTorch ("
                    + data + torchFile + ") to relative " + TOLERANCE + ", got relative error " + rel + " ("
                    + estimate.method() + ": " + estimate.message() + ")");
        }
        // one line per check, so that the run's log states the agreement next to the figures
        System.out.printf("%n[side-by-side] %s %s d=%d t=%d k=%d: relative error to PyTorch %.2e (%s)%n", backend,
                method, h.length, t, k, rel, estimate.method());
    }

    private Tensor matrix(Backend be, String name) {
        Npy.Array a = Npy.read(Path.of(data + name + ".npy"));
        if (a.shape().length != 2) {
            throw new IllegalArgumentException("data: " + data + name + ".npy: expected a matrix, got shape "
                    + Arrays.toString(a.shape()));
        }
        return be.fromArray(a.data(), Shape.of(a.shape()[0], a.shape()[1]));
    }

    private Tensor vector(Backend be, String name) {
        Npy.Array a = Npy.read(Path.of(data + name + ".npy"));
        if (a.shape().length != 1) {
            throw new IllegalArgumentException("data: " + data + name + ".npy: expected a vector, got shape "
                    + Arrays.toString(a.shape()));
        }
        return be.fromArray(a.data(), Shape.of(a.shape()[0]));
    }

    private String text(String name) {
        try {
            return Files.readString(Path.of(data + name));
        } catch (IOException e) {
            throw new UncheckedIOException("data: cannot read " + data + name, e);
        }
    }

    /** One ITD hypergradient. */
    @Benchmark
    public Tensor itd() {
        Tensor h = itd.estimate(problem, lambda).hypergradient();
        h.get(0);
        return h;
    }

    /** One AID-CG hypergradient. */
    @Benchmark
    public Tensor aidCg() {
        Tensor h = aid.estimate(problem, lambda).hypergradient();
        h.get(0);
        return h;
    }

    /** One gradient of the inner objective in w, at w = 0 (PyTorch's "gradient"). */
    @Benchmark
    public Tensor gradient() {
        Tensor g = Autodiff.grad(innerAtLambda, zero);
        g.get(0);
        return g;
    }
}
