package org.bilevel4j.theory.stochastic;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.algorithms.stochastic.soba.Soba;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.testkit.problems.QuadraticBilevelErm;
import org.junit.jupiter.api.Test;

/**
 * SOBA with decreasing steps ρ_t = ρ₀/√(t + 1), γ_t = γ₀/√(t + 1) (Dagréou, Ablin, Vaiter, Moreau, "A framework for
 * bilevel optimization that enables stochastic and global variance reduction algorithms", NeurIPS 2022, Theorem 1):
 * min over t ≤ T of E‖∇Φ(λ_t)‖² = O(log(T)/√T). The exact ‖∇Φ(λ_t)‖² (closed form) is tracked along one run per seed
 * with batch size 1; at each T of a grid spanning two decades the median over the seeds of the running minimum is
 * taken and the exponent of T fitted by least squares on log–log axes. log(T)/√T itself has the fitted exponent
 * −0.5 + 0.145 on this grid, so the assertion is exponent ≤ −0.5 + 0.15.
 */
class SobaRateCheck {
    private static final Backend B = Backends.get("ejml");

    static final int[] GRID = {100, 200, 500, 1_000, 2_000, 5_000, 10_000};
    static final int SEEDS = 10;
    static final double SLACK = 0.15;

    @Test
    void runningMinimumOfTheExactHypergradientNormDecaysAtLeastLikeLogTOverRootT() {
        QuadraticBilevelErm erm = QuadraticBilevelErm.withSpectrum(B, 40, 30, 5, 3, 0.5, 2.0, 1.0, 11);
        double rho = Double.parseDouble(System.getProperty("soba.rho", "0.05"));
        double gamma = Double.parseDouble(System.getProperty("soba.gamma", "0.2"));
        StepSizes steps = StepSizes.decreasing(rho, gamma, 0.5);
        int last = GRID[GRID.length - 1];
        double[][] minima = new double[GRID.length][SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            double[] best = {erm.hypergradientNormSquared(B.vector(1, -1, 2))};
            int[] next = {0};
            int seed = s;
            StochasticBilevelSolver.builder(new Soba(steps), Sampling.of(Scheme.WITH_REPLACEMENT, 1, 1000 + s))
                    .maxIterations(last).listener(it -> {
                        best[0] = Math.min(best[0], erm.hypergradientNormSquared(it.state().outer()));
                        while (next[0] < GRID.length && it.iteration() >= GRID[next[0]]) {
                            minima[next[0]++][seed] = best[0];
                        }
                    }).build().solve(erm.problem(), B.vector(1, -1, 2));
            while (next[0] < GRID.length) {
                minima[next[0]++][seed] = best[0];
            }
        }
        double[] ts = new double[GRID.length];
        double[] med = new double[GRID.length];
        double[] reference = new double[GRID.length];
        StringBuilder curve = new StringBuilder();
        for (int k = 0; k < GRID.length; k++) {
            ts[k] = GRID[k];
            med[k] = Statistics.median(minima[k]);
            reference[k] = Math.log(GRID[k]) / Math.sqrt(GRID[k]);
            curve.append(String.format(Locale.ROOT, "%sT=%d: %.2e", k == 0 ? "" : ", ", GRID[k], med[k]));
        }
        double exponent = Statistics.logLogSlope(ts, med);
        double tail = Statistics.logLogSlope(java.util.Arrays.copyOfRange(ts, 3, GRID.length),
                java.util.Arrays.copyOfRange(med, 3, GRID.length));
        double referenceExponent = Statistics.logLogSlope(ts, reference);
        StochasticReport.row("SOBA, decreasing steps ρ₀/√(t+1), γ₀/√(t+1) (ρ₀=" + rho + ", γ₀=" + gamma
                + "), batch 1: fitted exponent of median_seeds min_{t≤T} ‖∇Φ(λ_t)‖² over T ∈ [100, 10⁴]",
                erm + ", " + SEEDS + " seeds; medians " + curve,
                String.format(Locale.ROOT, "%.3f (T ≥ 1000 only: %.3f)", exponent, tail),
                String.format(Locale.ROOT, "≤ −0.5 + %.2f (log(T)/√T fits %.3f on this grid)", SLACK,
                        referenceExponent));
        assertTrue(exponent <= -0.5 + SLACK, "fitted exponent " + exponent + "; medians " + curve);
        assertTrue(med[GRID.length - 1] < med[0], "the running minimum decreases: " + curve);
    }
}
