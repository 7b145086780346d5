package org.bilevel4j.benchmarks;

import java.util.concurrent.TimeUnit;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.Trace;
import org.bilevel4j.api.tensor.types.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-operation cost on 4×4 float64 tensors (EJML backend): a chain of {@value #OPS} element-wise operations
 * (alternating add and mul), untraced, recorded on a {@link Trace}, and recorded then differentiated. Scores are
 * per operation: the difference between the recorded and the untraced chain is the cost of the tape.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 2, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class TapeOverheadBenchmark {
    static final int OPS = 100;

    Tensor a;
    Tensor b;

    @Setup
    public void setup() {
        Backend backend = Backends.get("ejml");
        a = backend.randomNormal(Shape.of(4, 4), 1);
        b = backend.randomNormal(Shape.of(4, 4), 2).mul(0.01).add(1);
    }

    private Tensor chain(Tensor x) {
        Tensor y = x;
        for (int i = 0; i < OPS / 2; i++) {
            y = y.add(a).mul(b);
        }
        return y;
    }

    /** The chain on concrete tensors: kernel cost plus validation. */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor untraced() {
        return chain(a);
    }

    /** The chain recorded on a trace (forward pass only). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor recorded() {
        Trace trace = new Trace();
        return chain(trace.variable(a));
    }

    /** Recorded, then one backward pass to the variable (per forward operation). */
    @Benchmark
    @OperationsPerInvocation(OPS)
    public Tensor recordedAndDifferentiated() {
        Trace trace = new Trace();
        Tensor x = trace.variable(a);
        return trace.gradient(chain(x).sum(), x);
    }
}
