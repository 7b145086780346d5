package org.bilevel4j.theory.bounds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The purely scalar results of Grazzi et al. (2020), as seeded properties over random constants:
 * <ul>
 *   <li>Lemma A.1: u_k ≤ q u_{k-1} + τ_{k-1} implies (i) u_k ≤ q^k u₀ + τ(1 - q^k)/(1 - q)
 *       for constant τ, (ii) u_k ≤ q^k u₀ + k q^(k-1) τ₀ when τ_k ≤ q τ_{k-1};</li>
 *   <li>chain (18): κ_A ≤ κ implies (√κ_A - 1)/(√κ_A + 1) ≤ (√κ - 1)/(√κ + 1) ≤ (κ - 1)/(κ + 1);</li>
 *   <li>CG-sym-q: for a symmetric q-contraction κ(I - J) ≤ (1 + q)/(1 - q), so the CG factor is
 *       at most (1 - √(1 - q²))/q ≤ q;</li>
 *   <li>The AID-FP bound below the ITD bound (Section 2.3 of the paper): with ρ(t) = q^t and k = t, bound (21) of AID-FP is below bound (8) of
 *       ITD, strictly when c₂ &gt; 0, because Σ_{i=1}^t q^i &lt; t;</li>
 *   <li>The CG bound eventually below the fixed-point bound: 2√κ r^k &lt; q^k (r the CG factor) for every k ≥ K₀(κ), with K₀ found by scanning k and
 *       bounded by ln(2√κ)·max(√κ, 2) + 1, and the ratio falls 10⁶-fold within ln(10⁶)·max(√κ, 2) more steps;
 *       the prefactor makes the CG bound the worse one at k = 0.</li>
 * </ul>
 */
class ScalarLemmaProperties {
    private static final RatioReport REPORT = new RatioReport("ScalarLemmaProperties");
    private static final long SEED = 20200713L;
    private static final int EXAMPLES = 200;
    private static final int STEPS = 300;
    private static final double TIGHT = 1e-12;
    private static final double TINY = 1e-300;

    @AfterAll
    static void report() {
        REPORT.write();
    }

    private static void property(PropertyBody body) {
        qt().withFixedSeed(SEED).withExamples(EXAMPLES).forAll(longs().between(0, 1_000_000_000_000L))
                .checkAssert(seed -> body.check(new SplittableRandom(seed), seed));
    }

    private interface PropertyBody {
        void check(SplittableRandom rng, long seed);
    }

    /** q in [0, 0.999], with q = 0 and q close to 1 drawn often. */
    private static double contraction(SplittableRandom rng) {
        double u = rng.nextDouble();
        return u < 0.1 ? 0 : u < 0.2 ? 0.999 : 0.999 * rng.nextDouble();
    }

    /** A slack factor in [0, 1], equal to 1 (the recursion with equality) a third of the time. */
    private static double slack(SplittableRandom rng) {
        return rng.nextInt(3) == 0 ? 1 : rng.nextDouble();
    }

    @Test
    void lemmaA1ConstantPerturbation() {
        property((rng, seed) -> {
            double q = contraction(rng);
            double u0 = 10 * rng.nextDouble();
            double tau = 10 * rng.nextDouble();
            double u = u0;
            for (int k = 1; k <= STEPS; k++) {
                u = slack(rng) * (q * u + tau);
                double qk = Math.pow(q, k);
                double bound = qk * u0 + tau * (1 - qk) / (1 - q);
                int kk = k;
                REPORT.check("LA.1(i) u_k <= q^k u0 + tau (1-q^k)/(1-q)", u, bound, TINY, TIGHT,
                        () -> "seed " + seed + ", q = " + q + ", k = " + kk);
            }
        });
    }

    @Test
    void lemmaA1GeometricPerturbation() {
        property((rng, seed) -> {
            double q = contraction(rng);
            double u0 = 10 * rng.nextDouble();
            double tau0 = 10 * rng.nextDouble();
            double u = u0;
            double tau = tau0;
            for (int k = 1; k <= STEPS; k++) {
                u = slack(rng) * (q * u + tau);
                tau = slack(rng) * q * tau;
                double bound = Math.pow(q, k) * u0 + k * Math.pow(q, k - 1) * tau0;
                int kk = k;
                REPORT.check("LA.1(ii) u_k <= q^k u0 + k q^(k-1) tau0", u, bound, TINY, TIGHT,
                        () -> "seed " + seed + ", q = " + q + ", k = " + kk);
            }
        });
    }

    static double cgFactor(double kappa) {
        double s = Math.sqrt(kappa);
        return (s - 1) / (s + 1);
    }

    @Test
    void chain18() {
        property((rng, seed) -> {
            double kappa = rng.nextInt(10) == 0 ? 1 : Math.pow(10, 6 * rng.nextDouble());
            double kappaA = rng.nextInt(5) == 0 ? kappa : 1 + (kappa - 1) * rng.nextDouble();
            double q = (kappa - 1) / (kappa + 1);
            REPORT.check("(18) (sqrt(kA)-1)/(sqrt(kA)+1) <= (sqrt(k)-1)/(sqrt(k)+1)", cgFactor(kappaA),
                    cgFactor(kappa), TINY, TIGHT, () -> "seed " + seed + ", kappa = " + kappa + ", kappaA = " + kappaA);
            REPORT.check("(18) (sqrt(k)-1)/(sqrt(k)+1) <= (k-1)/(k+1) = q", cgFactor(kappa), q, TINY, TIGHT,
                    () -> "seed " + seed + ", kappa = " + kappa);
        });
    }

    @Test
    void symmetricContractionCgFactor() {
        property((rng, seed) -> {
            double q = rng.nextInt(10) == 0 ? 0.999 : 0.999 * rng.nextDouble();
            double kappaMax = (1 + q) / (1 - q);
            double kappaA = rng.nextInt(5) == 0 ? kappaMax : 1 + (kappaMax - 1) * rng.nextDouble();
            double middle = q / (1 + Math.sqrt(1 - q * q)); // = (1 - sqrt(1 - q^2))/q without cancellation
            REPORT.check("CG-sym-q (sqrt(kA)-1)/(sqrt(kA)+1) <= (1-sqrt(1-q^2))/q", cgFactor(kappaA), middle, TINY,
                    TIGHT, () -> "seed " + seed + ", q = " + q + ", kappaA = " + kappaA);
            REPORT.check("CG-sym-q (1-sqrt(1-q^2))/q <= q", middle, q, TINY, TIGHT,
                    () -> "seed " + seed + ", q = " + q);
        });
    }

    @Test
    void aidFixedPointBoundBeatsItdBound() {
        property((rng, seed) -> {
            double c1 = Math.pow(10, 4 * rng.nextDouble() - 2);
            double c2 = rng.nextInt(5) == 0 ? 0 : Math.pow(10, 4 * rng.nextDouble() - 2);
            double c3 = Math.pow(10, 4 * rng.nextDouble() - 2);
            double q = 0.001 + 0.998 * rng.nextDouble();
            int t = 1 + rng.nextInt(rng.nextBoolean() ? 20 : 2000);
            double qt = Math.pow(q, t);
            // both bounds carry the factor q^t (rho(t) = q^t and k = t); compare the cofactors (no underflow)
            double cof21 = c1 + c2 * (1 - qt) / (1 - q) + c3;
            double cof8 = c1 + c2 * t / q + c3;
            String where = "seed " + seed + ", c = (" + c1 + ", " + c2 + ", " + c3 + "), q = " + q + ", t = " + t;
            if (c2 > 0) {
                REPORT.check("AID-FP bound (21)(k=t, rho=q^t) < bound (8), c2 > 0", cof21, cof8, 0, TIGHT,
                        () -> where);
                assertTrue(cof21 < cof8, () -> "AID-FP below ITD: not strict although c2 > 0: " + cof21 + " vs " + cof8 + " at "
                        + where);
            } else {
                assertEquals(cof8, cof21, () -> "AID-FP below ITD: with c2 = 0 the bounds coincide, at " + where);
            }
            assertTrue((cof21 * qt) <= (cof8 * qt), () -> "AID-FP below ITD (unfactored) at " + where);
        });
    }

    @Test
    void cgBoundEventuallyBeatsFixedPointBound() {
        // Everything is evaluated directly from r = (√κ - 1)/(√κ + 1) and q = (κ - 1)/(κ + 1), nothing from the
        // closed form of K₀: the threshold is found by scanning k, and the claims about it can fail.
        property((rng, seed) -> {
            double kappa = 1.01 * Math.pow(10, 6 * rng.nextDouble());
            double r = cgFactor(kappa);
            double q = (kappa - 1) / (kappa + 1);
            double prefactor = 2 * Math.sqrt(kappa);
            // an independent rate: ln(q/r) >= 1/max(√κ, 2) for every κ > 1, so the threshold is reached by
            // ln(2√κ)·max(√κ, 2) + 1 steps and the ratio falls 1e6-fold within ln(1e6)·max(√κ, 2) more
            double scale = Math.max(Math.sqrt(kappa), 2);
            int limit = (int) Math.ceil(Math.log(prefactor) * scale) + 1;
            int k0 = 0;
            while (k0 <= limit && !(prefactor * Math.pow(r, k0) < Math.pow(q, k0))) {
                k0++;
            }
            int threshold = k0;
            String where = "seed " + seed + ", kappa = " + kappa + ", K0 = " + threshold;
            assertTrue(threshold <= limit, () -> "CG below FP: 2√κ r^k < q^k not reached by k = " + limit + ", " + where);
            assertTrue(threshold >= 1, () -> "CG below FP: the prefactor 2√κ > 1 makes the CG bound the worse one at "
                    + "k = 0, " + where);
            double previous = Double.POSITIVE_INFINITY;
            for (int k = threshold; k <= threshold + 200; k++) {
                double ratio = prefactor * Math.pow(r, k) / Math.pow(q, k);
                int kk = k;
                REPORT.check("CG below FP: 2 sqrt(kappa) r^k / q^k < 1 for k >= K0", ratio, 1, 0, 0,
                        () -> where + ", k = " + kk);
                assertTrue(ratio < 1 && ratio < previous, () -> "CG below FP: ratio not < 1 and decreasing at k = " + kk
                        + ", " + where);
                previous = ratio;
            }
            int far = threshold + (int) Math.ceil(Math.log(1e6) * scale);
            double farRatio = prefactor * Math.pow(r, far) / Math.pow(q, far);
            assertTrue(farRatio <= 1e-6, () -> "CG below FP: ratio " + farRatio + " at k = " + far
                    + " does not go to 0 at the predicted rate, " + where);
        });
    }
}
