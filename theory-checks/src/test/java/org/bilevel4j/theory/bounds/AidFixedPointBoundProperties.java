package org.bilevel4j.theory.bounds;

import java.util.TreeSet;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.bilevel4j.theory.bounds.Generated.Kind;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Theorem 2.4 of Grazzi et al. (2020), AID with the fixed-point solver (19) after t Picard steps from w₀ = 0:
 * ‖∇̂f - ∇f‖ ≤ (c₁ + c₂(1 - q^k)/(1 - q)) ρ(t) + c₃ q^k (21), with ρ(t) = q^t and with the measured
 * ρ(t) = ‖w_t - w‖/‖w‖, on the grid t ∈ {1, 2, 5, 10, 20, 50, 100, 200} × k ∈ {0, 1, 5, 10, t, 2t}, on
 * generated affine (both), ridge and tanh instances ({@link Generated}). Tolerance: atol = 1e-9 max(1, ‖∇f‖).
 */
class AidFixedPointBoundProperties {
    private static final RatioReport REPORT = new RatioReport("AidFixedPointBoundProperties");
    private static final int[] STEPS = {1, 2, 5, 10, 20, 50, 100, 200};
    /** Largest generated inner dimension. */
    private static final int MAX_D = 12;
    /** Generated instances per family. */
    private static final int EXAMPLES = 120;

    @AfterAll
    static void report() {
        REPORT.write();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"AFFINE", "AFFINE_SYM", "RIDGE", "TANH"})
    void theorem24(Kind kind) {
        Generated.forAll(REPORT, "T2.4", kind, MAX_D, EXAMPLES, in -> {
            double q = in.q;
            double atol = in.atol();
            for (int t : STEPS) {
                TreeSet<Integer> ks = new TreeSet<>(java.util.List.of(0, 1, 5, 10, t, 2 * t));
                for (int k : ks) {
                    HypergradientEstimate est = AidEstimator.fixedPoint(t, k).estimate(in.problem, in.lambda);
                    double error = in.hypergradientError(est.hypergradient());
                    double qk = Math.pow(q, k);
                    double head = in.c1 + in.c2 * (1 - qk) / (1 - q);
                    double rho = in.rho(est.inner());
                    String where = in + ", t = " + t + ", k = " + k + ", measured rho = " + rho;
                    REPORT.check("T2.4 AID-FP (21) rho = q^t, " + kind, error,
                            head * Math.pow(q, t) + in.c3 * qk, atol, () -> where);
                    REPORT.check("T2.4 AID-FP (21) measured rho, " + kind, error, head * rho + in.c3 * qk,
                            atol, () -> where);
                }
            }
        });
    }
}
