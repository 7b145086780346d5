package org.bilevel4j.theory.bounds;

import org.bilevel4j.testkit.linalg.DenseMatrices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bilevel4j.algorithms.hypergradient.HypergradientEstimate;
import org.bilevel4j.algorithms.itd.ItdEstimator;
import org.bilevel4j.testkit.problems.TanhEquilibrium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.bilevel4j.theory.bounds.Generated.Kind;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Iterative differentiation with t Picard steps from w₀ = 0 (Algorithm 1 of Grazzi et al., 2020):
 * <ul>
 *   <li>Proposition 2.1: ‖w_t'(λ) - w'(λ)‖ ≤ (ν₂ + ν₁L_Φ/(1 - q)) D t q^(t-1) + L_Φ/(1 - q) q^t
 *       (spectral norm; w_t' from forward-mode ITD), t ∈ {1, 2, 3, 5, 10, 20, 50, 100}, on generated affine (both),
 *       ridge, tanh instances;</li>
 *   <li>Theorem 2.1: ‖∇f_t(λ) - ∇f(λ)‖ ≤ (c₁ + c₂t/q + c₃) q^t for t on a grid of [1, 200], on generated
 *       affine (both), ridge, tanh, logistic instances, with reverse-mode ITD; forward-mode ITD returns the same vector (1e-9 relative); and the
 *       estimate's own a-posteriori bound (Theorem 2.1 with D = ‖w₀ - w_t‖ + r_in/(1 - q)) is never below the
 *       actual error.</li>
 * </ul>
 * Tolerance: atol = 1e-9 max(1, ‖∇f‖) (1e-9 max(1, ‖w'‖) for Jacobians). The instances are drawn by
 * {@link Generated} (dimension, q, λ box, step, data and λ seeds), a fixed number per family.
 */
class ItdBoundProperties {
    private static final RatioReport REPORT = new RatioReport("ItdBoundProperties");
    private static final int[] JACOBIAN_STEPS = {1, 2, 3, 5, 10, 20, 50, 100};
    private static final int[] STEPS = {1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200};
    private static final int[] FORWARD_STEPS = {1, 5, 20, 100};
    /** Largest generated inner dimension. */
    private static final int MAX_D = 12;
    /** Generated instances per family for Proposition 2.1. */
    private static final int JACOBIAN_EXAMPLES = 150;
    /** Generated instances per family for Theorem 2.1. */
    private static final int EXAMPLES = 150;

    @AfterAll
    static void report() {
        REPORT.write();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"AFFINE", "AFFINE_SYM", "RIDGE", "TANH"})
    void proposition21(Kind kind) {
        Generated.forAll(REPORT, "P2.1", kind, MAX_D, JACOBIAN_EXAMPLES, in -> {
            double mu = 1 - in.q;
            double p = in.k.jacobianOuter() + in.k.jacobianInner() * in.k.jacobianOuterBound() / mu;
            double atol = 1e-9 * Math.max(1, DenseMatrices.spectralNorm(in.wPrime));
            for (int t : JACOBIAN_STEPS) {
                double[][] wt = DenseMatrices.toArray(ItdEstimator.forward(t).innerJacobian(in.problem, in.lambda));
                double error = DenseMatrices.spectralNorm(DenseMatrices.sub(wt, in.wPrime));
                double bound = p * in.radius * t * Math.pow(in.q, t - 1)
                        + in.k.jacobianOuterBound() / mu * Math.pow(in.q, t);
                REPORT.check("P2.1 |w_t' - w'| (7), " + kind, error, bound, atol, () -> in + ", t = " + t);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Kind.class, names = {"AFFINE", "AFFINE_SYM", "RIDGE", "TANH", "LOGISTIC"})
    void theorem21(Kind kind) {
        Generated.forAll(REPORT, "T2.1", kind, MAX_D, EXAMPLES, in -> {
            double atol = in.atol();
            if (!(in.problem instanceof TanhEquilibrium)) { // its exactInner can be slow, see Instance
                double[] kit = in.problem.exactHypergradient(in.lambda).toDoubleArray();
                double mismatch = DenseMatrices.norm(DenseMatrices.sub(kit, in.gradientArray)) / Math.max(DenseMatrices.norm(kit), 1e-300);
                assertTrue(mismatch <= 1e-12, () -> "reference hypergradient differs from the test kit's by "
                        + mismatch + " on " + in);
            }
            for (int t : STEPS) {
                HypergradientEstimate itd = ItdEstimator.reverse(t).estimate(in.problem, in.lambda);
                double error = in.hypergradientError(itd.hypergradient());
                // (c1 + c2 t/q + c3) q^t written as (c1 + c3) q^t + c2 t q^(t-1): the same number, defined at q = 0
                double bound = (in.c1 + in.c3) * Math.pow(in.q, t) + in.c2 * t * Math.pow(in.q, t - 1);
                REPORT.check("T2.1 ITD (8), " + kind, error, bound, atol, () -> in + ", t = " + t);
                double aPosteriori = itd.bound().hypergradientError();
                assertTrue(Double.isFinite(aPosteriori), () -> "no a-posteriori bound: " + itd);
                REPORT.check("T2.1 ITD a-posteriori bound >= error, " + kind, error, aPosteriori, atol,
                        () -> in + ", t = " + t + ": " + itd);
            }
            for (int t : FORWARD_STEPS) {
                double[] reverse = ItdEstimator.reverse(t).estimate(in.problem, in.lambda).hypergradient()
                        .toDoubleArray();
                double[] forward = ItdEstimator.forward(t).estimate(in.problem, in.lambda).hypergradient()
                        .toDoubleArray();
                double difference = DenseMatrices.norm(DenseMatrices.sub(reverse, forward));
                double scale = Math.max(DenseMatrices.norm(reverse), 1e-300);
                assertTrue(difference <= 1e-9 * scale, () -> "RMAD and FMAD differ by " + difference / scale
                        + " (relative) on " + in + ", t = " + t);
                REPORT.record("T2.1 RMAD == FMAD, relative difference (vs 1e-9)", difference / scale, 1e-9, 0,
                        () -> in + ", t = " + t);
            }
        });
    }
}
