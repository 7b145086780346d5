package org.bilevel4j.theory.stochastic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.stochastic.amigo.Amigo.AdjointSolver;
import org.bilevel4j.algorithms.stochastic.amigo.Amigo;
import org.bilevel4j.algorithms.stochastic.common.Sampling.Scheme;
import org.bilevel4j.algorithms.stochastic.common.Sampling;
import org.bilevel4j.algorithms.stochastic.common.SingleLoopMethod;
import org.bilevel4j.algorithms.stochastic.common.StepSizes;
import org.bilevel4j.algorithms.stochastic.common.StochasticBilevelSolver;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;
import org.junit.jupiter.api.Test;

/**
 * The synthetic quadratic of Arbel, Mairal, "Amortized Implicit Differentiation for Stochastic Bilevel
 * Optimization", ICLR 2022 (Section 5.1), scaled down: outer x ∈ R^{d_x}, inner y ∈ R^{d_y},
 * <pre>
 *   f(x, y) = ½ xᵀA_f x + yᵀC_f,    g(x, y) = ½ yᵀA_g y + yᵀB_g x,    B_g = A_g U,
 * </pre>
 * with A_f of spectrum [0.1, 1] (κ_L = 10, L = 1) and A_g of spectrum [1/κ_g, 1] (L_g = 1), eigenvalues
 * log-spaced between the ends, random orthogonal eigenvectors (the paper shifts the spectrum of a Wishart matrix
 * instead; only the ends are prescribed there too). Then y*(x) = −Ux, the library's adjoint v* = A_g⁻¹C_f is constant,
 * x* = A_f⁻¹UᵀC_f and the metric is the relative error (L(x) − L*)/(L(x₀) − L*) with L(x) − L* = ½(x − x*)ᵀA_f(x − x*).
 * Steps as in the paper: α = β = 1/L_g, γ = 1/L, T = 1 (ψ does not depend on y here), full batches.
 * <ul>
 *   <li>AmIGO-CG and AmIGO-GD reach relative error 1e-12;</li>
 *   <li>AID-GD, AID-FP (the same as AID-GD when β = α) and AID-N with N = 1 plateau at the predicted floor
 *       ½eᵀA_f⁻¹e/(L(x₀) − L*), e = B_gᵀ(I − βA_g)^k v* with k = N (GD, FP) or N + 1 (Neumann);</li>
 *   <li>the oracle calls to reach 1e-6 (best N over a grid) grow more slowly with κ_g for CG than for GD.</li>
 * </ul>
 */
class AmigoSyntheticCheck {
    static final Backend B = Backends.get("ejml");
    static final int DX = Integer.getInteger("amigo.dx", 200);
    static final int DY = Integer.getInteger("amigo.dy", 100);

    /** One instance at a given κ_g. */
    static final class Synthetic {
        final double kappa;
        final double[][] af;
        final double[][] ag;
        final double[][] bg;
        final double[] cf;
        final double[] vStar;
        final double[] xStar;
        final double initialGap;
        final FiniteSumBilevelProblem problem;

        Synthetic(double kappa, long seed) {
            this.kappa = kappa;
            SplittableRandom rng = new SplittableRandom(seed);
            af = DenseMatrices.spectral(DenseMatrices.orthonormalColumnsBoxMuller(DX, DX, rng), logSpaced(DX, 0.1));
            ag = DenseMatrices.spectral(DenseMatrices.orthonormalColumnsBoxMuller(DY, DY, rng),
                    logSpaced(DY, 1 / kappa));
            double[][] u = DenseMatrices.gaussianBoxMuller(DY, DX, rng);
            bg = DenseMatrices.mul(ag, u);
            cf = DenseMatrices.gaussianBoxMuller(1, DY, rng)[0];
            vStar = DenseMatrices.solveSpd(ag, cf);
            xStar = DenseMatrices.solveSpd(af, DenseMatrices.mul(DenseMatrices.transpose(u), cf));
            initialGap = gap(new double[DX]);
            Tensor agT = B.matrix(ag);
            Tensor bgT = B.matrix(bg);
            Tensor afT = B.matrix(af);
            Tensor cfT = B.vector(cf);
            FiniteSum inner = FiniteSum.of(1, (w, l, batch) -> w.dot(agT.matmul(w)).mul(0.5)
                    .add(w.dot(bgT.matmul(l))).reshape(1));
            FiniteSum outer = FiniteSum.of(1, (w, l, batch) -> l.dot(afT.matmul(l)).mul(0.5).add(w.dot(cfT))
                    .reshape(1));
            problem = FiniteSumBilevelProblem.of(inner, outer, Shape.of(DY), Shape.of(DX));
        }

        static double[] logSpaced(int d, double low) {
            double[] e = new double[d];
            for (int k = 0; k < d; k++) {
                e[k] = d == 1 ? 1 : Math.exp(Math.log(low) * (1 - (double) k / (d - 1)));
            }
            e[0] = low;
            e[d - 1] = 1;
            return e;
        }

        double gap(double[] x) {
            double[] dx = DenseMatrices.sub(x, xStar);
            return 0.5 * DenseMatrices.dot(dx, DenseMatrices.mul(af, dx));
        }

        double relativeError(Tensor x) {
            return gap(x.toDoubleArray()) / initialGap;
        }

        /** @return the predicted plateau of an AID method whose adjoint is (I − Q^k)v*, Q = I − βA_g */
        double predictedFloor(int k, double beta) {
            double[] qv = vStar.clone();
            for (int i = 0; i < k; i++) {
                double[] aq = DenseMatrices.mul(ag, qv);
                for (int j = 0; j < DY; j++) {
                    qv[j] -= beta * aq[j];
                }
            }
            double[] e = DenseMatrices.mul(DenseMatrices.transpose(bg), qv);
            return 0.5 * DenseMatrices.dot(e, DenseMatrices.solveSpd(af, e)) / initialGap;
        }
    }

    private static final Sampling FULL = Sampling.of(Scheme.FULL_BATCH, 1, 1);
    private static final StepSizes PAPER_STEPS = StepSizes.constant(1.0, 1.0); // α = β = 1/L_g, γ = 1/L

    /** Stops a run from its listener. */
    private static final class Reached extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final long calls;

        Reached(long calls) {
            super(null, null, false, false);
            this.calls = calls;
        }
    }

    static double callsToReach(Synthetic s, SingleLoopMethod method, double eps, long budget) {
        try {
            StochasticBilevelSolver.builder(method, FULL).maxIterations(budget).maxOracleCalls(budget)
                    .listener(it -> {
                        if (s.relativeError(it.state().outer()) <= eps) {
                            throw new Reached(it.counts().total());
                        }
                    }).build().solve(s.problem, B.zeros(DX));
        } catch (Reached r) {
            return r.calls;
        }
        return Double.POSITIVE_INFINITY;
    }

    static double finalError(Synthetic s, SingleLoopMethod method, int iterations) {
        return s.relativeError(StochasticBilevelSolver.builder(method, FULL).maxIterations(iterations).build()
                .solve(s.problem, B.zeros(DX)).state().outer());
    }

    @Test
    void warmStartsReachTheTargetWhereAidWithASmallFixedNPlateausAtThePredictedFloor() {
        StringBuilder figures = new StringBuilder();
        double worstFloorMismatch = 0;
        for (double kappa : new double[] {1, 10, 100, 1_000, 10_000}) {
            Synthetic s = new Synthetic(kappa, 3);
            double cg = callsToReach(s, Amigo.cg(PAPER_STEPS, 1, 10), 1e-12, 200_000);
            double gd = callsToReach(s, Amigo.gd(PAPER_STEPS, 1, kappa >= 1_000 ? 100 : 10), 1e-12, 2_000_000);
            assertTrue(Double.isFinite(cg), "AmIGO-CG did not reach 1e-12 at κ_g = " + kappa);
            assertTrue(Double.isFinite(gd), "AmIGO-GD did not reach 1e-12 at κ_g = " + kappa);
            figures.append(String.format(Locale.ROOT, "κ_g=%.0e: calls to 1e-12 AmIGO-CG(N=10) %.3g, AmIGO-GD(N=%d) "
                    + "%.3g", kappa, cg, kappa >= 1_000 ? 100 : 10, gd));
            if (kappa >= 10) {
                double aidGd = finalError(s, new Amigo(PAPER_STEPS, 1, 1, AdjointSolver.GRADIENT_DESCENT, true,
                        false), 400);
                double aidFp = finalError(s, Amigo.aidFixedPoint(PAPER_STEPS, 1, 1), 400);
                double aidN = finalError(s, Amigo.aidNeumann(PAPER_STEPS, 1, 1), 400);
                double floorGd = s.predictedFloor(1, 1.0);
                double floorN = s.predictedFloor(2, 1.0);
                figures.append(String.format(Locale.ROOT, "; plateaus (N=1, 400 iterations) AID-GD %.3e, AID-FP "
                        + "%.3e, AID-N %.3e, predicted %.3e / %.3e", aidGd, aidFp, aidN, floorGd, floorN));
                assertEquals(floorGd, aidGd, 1e-6 * floorGd, "AID-GD plateau at κ_g = " + kappa);
                assertEquals(floorGd, aidFp, 1e-6 * floorGd, "AID-FP plateau at κ_g = " + kappa);
                assertEquals(floorN, aidN, 1e-6 * floorN, "AID-N plateau at κ_g = " + kappa);
                assertTrue(floorN > 1e-9, "the floor is far above the target: " + floorN);
                worstFloorMismatch = Math.max(worstFloorMismatch, Math.max(Math.abs(aidGd / floorGd - 1),
                        Math.abs(aidN / floorN - 1)));
            }
            figures.append("\n");
        }
        StochasticReport.row("AmIGO synthetic quadratic (d_x=" + DX + ", d_y=" + DY + "), α=β=1/L_g, γ=1/L, T=1, "
                + "full batches: AmIGO-CG/GD reach relative error 1e-12; AID-GD/FP/N with N=1 plateau at the "
                + "predicted floor", "κ_g ∈ {1, 10, 10², 10³, 10⁴}: " + figures.toString().replace("\n", " • "),
                String.format(Locale.ROOT, "worst |plateau/predicted − 1| = %.2e", worstFloorMismatch),
                "AmIGO reach 1e-12; plateau within 1e-6 of the prediction");
    }

    private static long budget(double best) {
        return Double.isFinite(best) ? (long) best + 1 : 2_000_000L;
    }

    @Test
    void conjugateGradientsNeedFewerOracleCallsThanGradientDescentAsTheConditioningGrows() {
        int[] grid = {100, 10, 1}; // a run stops once it has used more calls than the best so far
        StringBuilder figures = new StringBuilder();
        double previousRatio = 0;
        for (double kappa : new double[] {10, 100, 1_000, 10_000}) {
            Synthetic s = new Synthetic(kappa, 5);
            double cg = Double.POSITIVE_INFINITY;
            double gd = Double.POSITIVE_INFINITY;
            for (int n : grid) {
                cg = Math.min(cg, callsToReach(s, Amigo.cg(PAPER_STEPS, 1, n), 1e-6, budget(cg)));
                gd = Math.min(gd, callsToReach(s, Amigo.gd(PAPER_STEPS, 1, n), 1e-6, budget(gd)));
            }
            double ratio = gd / cg;
            figures.append(String.format(Locale.ROOT, "%sκ_g=%.0e: CG %.3g, GD %.3g, GD/CG %.2f",
                    figures.length() == 0 ? "" : " • ", kappa, cg, gd, ratio));
            if (kappa >= 100) {
                assertTrue(cg < gd, "CG should need fewer calls than GD at κ_g = " + kappa + ": " + figures);
                assertTrue(ratio > previousRatio, "GD/CG should grow with κ_g: " + figures);
            }
            previousRatio = ratio;
        }
        StochasticReport.row("AmIGO synthetic quadratic (d_x=" + DX + ", d_y=" + DY + "): oracle calls (per-sample "
                + "units) to relative error 1e-6, best N ∈ {1, 10, 100}, AmIGO-CG vs AmIGO-GD", figures.toString(),
                "GD/CG ratios as listed", "CG < GD and GD/CG increasing for κ_g ≥ 10²");
    }
}
