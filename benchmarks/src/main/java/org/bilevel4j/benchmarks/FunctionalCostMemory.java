package org.bilevel4j.benchmarks;

import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.FuncId;

/**
 * Runs one total gradient of the {@link FunctionalCostBenchmark} instance on EJML and exits 0, 1 if it is not
 * finite, or 3 on {@link OutOfMemoryError}; {@code functional-memory.sh} bisects the smallest {@code -Xmx} that lets
 * it finish. Methods: {@code setup} (builds the data, θ, the adjoint network's ξ and both estimators, computes
 * nothing: the baseline), {@code aid}, {@code funcid}. Arguments: method, p_in, d_v.
 */
public final class FunctionalCostMemory {
    private FunctionalCostMemory() {
    }

    /**
     * @param args method, p_in, d_v
     */
    public static void main(String[] args) {
        String method = args[0];
        long pIn = Long.parseLong(args[1]);
        int dv = Integer.parseInt(args[2]);
        try {
            FunctionalCost cost = FunctionalCostBenchmark.instance("ejml", pIn, dv);
            OptimizationBilevelProblem parametric = cost.parametric();
            FuncId funcId = FunctionalCostBenchmark.funcId(cost);
            Tensor g = switch (method) {
                case "setup" -> cost.w();
                case "aid" -> {
                    HypergradientEstimate e = FunctionalCost.aid(FunctionalCostBenchmark.K).estimate(parametric, cost.w());
                    yield e.hypergradient();
                }
                case "funcid" -> funcId.totalGradient(cost.w()).gradient();
                default -> throw new IllegalArgumentException("method: expected setup, aid or funcid, got " + method);
            };
            if (!g.isFinite()) {
                System.exit(1);
            }
        } catch (OutOfMemoryError e) {
            System.exit(3);
        }
        System.exit(0);
    }
}
