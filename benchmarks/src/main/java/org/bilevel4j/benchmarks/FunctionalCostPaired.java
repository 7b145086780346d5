package org.bilevel4j.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.FuncId;

/**
 * The {@link FunctionalCostBenchmark} comparison taken in pairs, for a machine whose load drifts: after one warm-up
 * call of each, r rounds of one AID total gradient immediately followed by one FuncID total gradient (same instance,
 * same JVM), each timed with {@link System#nanoTime}. JMH runs every AID trial before every FuncID trial, minutes
 * apart; here both halves of a ratio see the same load. Prints the median time of each (with the fastest and
 * slowest call) and the median of the r per-round ratios AID/FuncID. Arguments: backend, p_in, d_v, r.
 */
public final class FunctionalCostPaired {
    private FunctionalCostPaired() {
    }

    /**
     * @param args backend, p_in, d_v, rounds
     */
    public static void main(String[] args) {
        String backend = args[0];
        long pIn = Long.parseLong(args[1]);
        int dv = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        FunctionalCost cost = FunctionalCostBenchmark.instance(backend, pIn, dv);
        OptimizationBilevelProblem parametric = cost.parametric();
        AidEstimator aid = FunctionalCost.aid(FunctionalCostBenchmark.K);
        FuncId funcId = FunctionalCostBenchmark.funcId(cost);
        Tensor w = cost.w();
        aid.estimate(parametric, w);
        funcId.totalGradient(w);
        double[] ta = new double[rounds];
        double[] tf = new double[rounds];
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            if (!aid.estimate(parametric, w).hypergradient().isFinite()) {
                throw new IllegalStateException("AID: a non-finite total gradient");
            }
            long t1 = System.nanoTime();
            if (!funcId.totalGradient(w).gradient().isFinite()) {
                throw new IllegalStateException("FuncID: a non-finite total gradient");
            }
            long t2 = System.nanoTime();
            ta[r] = (t1 - t0) / 1e6;
            tf[r] = (t2 - t1) / 1e6;
            ratio[r] = ta[r] / tf[r];
        }
        System.out.println(String.format(Locale.ROOT, "%s p_in=%d (H=%d, %d weights) d_v=%d rounds=%d: AID %s ms, "
                + "FuncID %s ms, AID/FuncID median %.2f [%.2f-%.2f]", backend, pIn, cost.hidden(),
                cost.parameterCount(), dv, rounds, summary(ta), summary(tf), median(ratio), min(ratio), max(ratio)));
    }

    private static String summary(double[] t) {
        return String.format(Locale.ROOT, "%.1f [%.1f-%.1f]", median(t), min(t), max(t));
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static double min(double[] t) {
        return Arrays.stream(t).min().orElse(Double.NaN);
    }

    private static double max(double[] t) {
        return Arrays.stream(t).max().orElse(Double.NaN);
    }
}
