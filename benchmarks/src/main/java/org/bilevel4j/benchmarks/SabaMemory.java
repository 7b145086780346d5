package org.bilevel4j.benchmarks;

import java.util.Locale;
import org.bilevel4j.algorithms.outer.Projection;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticOracles;
import org.bilevel4j.algorithms.stochastic.saba.Saba;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * The memory of SABA's tables at batch size 1 on the logistic task of {@link SobaIterationBenchmark}: the table
 * length the method reports ({@link Saba.SabaIteration#tableLength()}), in bytes per stored direction, against
 * the growth of the used heap (after repeated GCs) when the run state is created, which also catches any boxing or
 * per-sample object. Prints one line per n. Arguments: the sample counts n (= m), default 50000.
 */
public final class SabaMemory {
    private SabaMemory() {
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    /** @param args sample counts */
    public static void main(String[] args) {
        int d = 100;
        Backend b = Backends.get("ejml");
        String[] ns = args.length == 0 ? new String[] {"50000"} : args;
        for (String arg : ns) {
            int n = Integer.parseInt(arg);
            FiniteSumBilevelProblem problem = StochasticLogistic.problem(b, n, n, d, 3);
            Sampling.Samplers samplers = Sampling.of(Scheme.UNIFORM_BLOCKS, 1, 5).samplers(n, n);
            SingleLoopMethod.Context context = new SingleLoopMethod.Context(new StochasticOracles(problem),
                    BilevelState.start(problem, b.full(Shape.of(d), DType.FLOAT64, Math.log(0.1))), Projection.none(),
                    samplers);
            long before = usedHeap();
            Saba.SabaIteration run = new Saba(StepSizes.constant(0.01, 0.01)).start(context);
            long after = usedHeap();
            long doubles = run.tableLength();
            long innerRow = 2L * d + d;
            long outerRow = (long) d + d;
            System.out.printf(Locale.ROOT, "n = m = %d, d_w = d_λ = %d: table %d doubles = %d bytes (inner row %d B "
                    + "per training sample, outer row %d B per validation sample, mean %.1f B per stored direction); "
                    + "heap growth when the run starts %d bytes (%.4f × the table)%n", n, d, doubles, 8 * doubles,
                    8 * innerRow, 8 * outerRow, 8.0 * doubles / (2L * n), after - before,
                    (double) (after - before) / (8 * doubles));
            if (run.state() == null) {
                System.exit(1); // keeps the run reachable until after the measurement
            }
        }
    }
}
