package org.bilevel4j.benchmarks;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimator;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Runs one hypergradient of the logistic-regression problem of {@link HypergradientBenchmark} and exits 0, or
 * exits 3 on {@link OutOfMemoryError}. {@code peak-memory.sh} bisects the smallest {@code -Xmx} that lets each
 * method finish: the peak heap it needs. Arguments: method (itd, itd-checkpoint, aid-fp), t, d, n.
 */
public final class PeakMemory {
    private PeakMemory() {
    }

    /**
     * @param args method, t, d, n
     */
    public static void main(String[] args) {
        String method = args[0];
        int t = Integer.parseInt(args[1]);
        int d = Integer.parseInt(args[2]);
        int n = Integer.parseInt(args[3]);
        try {
            Backend b = Backends.get("ejml");
            SplittableRandom rng = new SplittableRandom(7);
            Tensor wStar = b.randomNormal(Shape.of(d), DType.FLOAT64, rng);
            Tensor x = b.randomNormal(Shape.of(n, d), DType.FLOAT64, rng).div(Math.sqrt(d));
            Tensor ax = x.mul(x.matmul(wStar).sign().reshape(n, 1));
            ScalarObjective inner = ScalarObjective.of((w, l) -> ax.matmul(w).neg().softplus().mean()
                    .add(l.exp().mul(w.square()).sum().mul(0.5)));
            ScalarObjective outer = ScalarObjective.of((w, l) -> ax.matmul(w).neg().softplus().mean());
            BilevelProblem problem = BilevelProblem.optimization(outer, inner, Shape.of(d), Shape.of(d), 1.0);
            HypergradientEstimator estimator = switch (method) {
                case "itd" -> ItdEstimator.builder().innerSteps(t).keepTape(false).build(); // the full trajectory
                case "itd-checkpoint" -> ItdEstimator.checkpointed(t);
                case "aid-fp" -> AidEstimator.fixedPoint(t, 1);
                default -> throw new IllegalArgumentException("method: expected itd, itd-checkpoint or aid-fp, got "
                        + method);
            };
            HypergradientEstimate e = estimator.estimate(problem, b.full(Shape.of(d), DType.FLOAT64, Math.log(0.1)));
            if (!e.hypergradient().isFinite()) {
                System.exit(1);
            }
        } catch (OutOfMemoryError e) {
            System.exit(3);
        }
        System.exit(0);
    }
}
