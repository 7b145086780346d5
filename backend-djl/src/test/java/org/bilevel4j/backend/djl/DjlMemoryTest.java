package org.bilevel4j.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.outer.BilevelResult;
import org.bilevel4j.algorithms.outer.BilevelSolver;
import org.bilevel4j.algorithms.outer.OuterOptimizer;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over a long run: 10,000 outer iterations of a small bilevel problem on the DJL backend,
 * with the count of live NDArrays and the resident set size outside the Java heap sampled along the way.
 */
class DjlMemoryTest {

    @Test
    void tenThousandOuterIterationsKeepNativeMemoryFlat() throws IOException {
        Backend b = Backends.get("djl");
        Tensor x = b.randomNormal(Shape.of(40, 8), 1).div(Math.sqrt(40));
        Tensor y = b.randomNormal(Shape.of(40), 2);
        Tensor xv = b.randomNormal(Shape.of(40, 8), 3).div(Math.sqrt(40));
        Tensor yv = b.randomNormal(Shape.of(40), 4);
        ScalarObjective inner = ScalarObjective.of((w, l) -> x.matmul(w).sub(y).square().sum().mul(0.5)
                .add(l.exp().mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> xv.matmul(w).sub(yv).square().sum().mul(0.5));
        BilevelProblem problem = BilevelProblem.optimization(outer, inner, Shape.of(8), Shape.of(8),
                l -> new CurvatureBounds(l.exp().min().item(), x.square().sum().item() + l.exp().max().item()));
        long[] live = new long[10];
        long[] rss = new long[10];
        BilevelSolver solver = BilevelSolver.builder(AidEstimator.builder().innerSteps(5)
                        .linearSolver(new org.bilevel4j.algorithms.linalg.ConjugateGradientSolver(), 3)
                        .warmStart(true, true).build(), OuterOptimizer.gradientDescent(1e-3))
                .maxIterations(10_000)
                .listener(it -> {
                    if (it.iteration() % 1000 == 0) {
                        int k = it.iteration() / 1000 - 1;
                        settle();
                        live[k] = DjlKernels.liveArrays();
                        rss[k] = residentKilobytes() - Runtime.getRuntime().totalMemory() / 1024;
                    }
                })
                .build();
        BilevelResult r = solver.solve(problem, b.zeros(8));
        assertEquals(10_000, r.iterations());
        // after the warm-up thousand, the live arrays (all that the run still references plus what the GC has not
        // yet cleaned) stay bounded and the resident set does not keep growing
        for (int k = 1; k < 10; k++) {
            assertTrue(live[k] < 5_000, "live NDArrays after " + (k + 1) * 1000 + " iterations: " + live[k]
                    + " (all samples " + java.util.Arrays.toString(live) + ")");
        }
        // outside the Java heap (whose committed size follows the GC's sizing, not a leak), the resident set of the
        // last 4,000 iterations stays within 64 MB of its peak over iterations 3,000-6,000; a leak of even a few
        // bytes per native array (hundreds per iteration) would show as steady growth well past that
        long early = java.util.Arrays.stream(rss, 2, 6).max().orElseThrow();
        long late = java.util.Arrays.stream(rss, 6, 10).max().orElseThrow();
        assertTrue(late - early < 64 * 1024, "resident set outside the Java heap grew by " + (late - early)
                + " kB from iterations 3000-6000 to 7000-10000 (" + java.util.Arrays.toString(rss) + ")");
    }

    /** Collects twice, then waits until the cleaner has released what the collections found (at most 5 s). */
    private static void settle() {
        long previous = Long.MAX_VALUE;
        int stable = 0;
        for (int i = 0; i < 50 && stable < 3; i++) {
            if (i < 2) {
                System.gc();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long now = DjlKernels.liveArrays();
            stable = now >= previous ? stable + 1 : 0;
            previous = now;
        }
    }

    private static long residentKilobytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }
}
