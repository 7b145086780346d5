package org.bilevel4j.functional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.baselines.PenaltyMethod;
import org.bilevel4j.functional.baselines.PenaltyMethod.Penalty;
import org.bilevel4j.functional.baselines.PenaltyMethod.Schedule;
import org.bilevel4j.nn.Activation;
import org.bilevel4j.nn.Adam;
import org.bilevel4j.nn.Mlp;
import org.bilevel4j.nn.Sgd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The single-level penalty methods on the linear-Gaussian instrumental-variable toy with the linear inner model
 * h(x) = θᵀ[x; 1]: both penalised objectives are quadratics in z = (w, θ), whose minimisers z*(γ) are computed here
 * from the normal equations written out by hand; the methods' gradients vanish there, the minimisers approach the
 * two-stage least-squares solution at rate 1/γ along a schedule, the methods' own iterations reach z*(γ), and their
 * gradients (including the double back-propagation of the gradient penalty through an MLP) match central
 * differences.
 */
class PenaltyMethodTest {
    static final org.bilevel4j.api.tensor.Backend B = DiscreteProblem.B;

    /** Normal-equation pieces of the toy: A = X̄₁ᵀX̄₁/n₁, C = X̄₁ᵀT₁/n₁, Bm = X̄₂ᵀX̄₂/n₂, b = X̄₂ᵀo/n₂, Γ = A⁻¹C. */
    static final class Quadratic {
        final double[][] a = new double[3][3];
        final double[][] c = new double[3][2];
        final double[][] bm = new double[3][3];
        final double[] b = new double[3];
        final double[][] gamma;

        Quadratic(IvToy toy) {
            int n1 = toy.xIn.length;
            for (int i = 0; i < n1; i++) {
                double[] f = {toy.xIn[i][0], toy.xIn[i][1], 1};
                for (int p = 0; p < 3; p++) {
                    for (int q = 0; q < 3; q++) {
                        a[p][q] += f[p] * f[q] / n1;
                    }
                    for (int q = 0; q < 2; q++) {
                        c[p][q] += f[p] * toy.tIn[i][q] / n1;
                    }
                }
            }
            int n2 = toy.xOut.length;
            for (int j = 0; j < n2; j++) {
                double[] f = {toy.xOut[j][0], toy.xOut[j][1], 1};
                for (int p = 0; p < 3; p++) {
                    b[p] += f[p] * toy.oOut[j] / n2;
                    for (int q = 0; q < 3; q++) {
                        bm[p][q] += f[p] * f[q] / n2;
                    }
                }
            }
            gamma = new double[3][2];
            for (int q = 0; q < 2; q++) {
                double[] col = DenseSolve.solve(a, new double[] {c[0][q], c[1][q], c[2][q]}, "Γ");
                for (int p = 0; p < 3; p++) {
                    gamma[p][q] = col[p];
                }
            }
        }

        /**
         * z*(γ) = (w, θ) minimising L_out(θ) + γ(Rθ − Sw)ᵀW(Rθ − Sw): gradient penalty R = A, S = C, W = 4I
         * (∇_θ L_in = 2(Aθ − Cw)); value function R = I, S = Γ, W = A.
         */
        double[] minimiser(Penalty p, double g) {
            double[][] r = p == Penalty.VALUE_FUNCTION ? identity() : a;
            double[][] s = p == Penalty.VALUE_FUNCTION ? gamma : c;
            double[][] wm = p == Penalty.VALUE_FUNCTION ? a : scaled(identity(), 4);
            double[][] rtw = mul(transpose(r), wm);
            double[][] hww = scaled(mul(mul(transpose(s), wm), s), 2 * g);
            double[][] htw = scaled(mul(rtw, s), -2 * g);
            double[][] htt = add(scaled(bm, 2), scaled(mul(rtw, r), 2 * g));
            double[][] h = new double[5][5];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    h[i][j] = hww[i][j];
                }
                for (int j = 0; j < 3; j++) {
                    h[i][2 + j] = htw[j][i];
                    h[2 + j][i] = htw[j][i];
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    h[2 + i][2 + j] = htt[i][j];
                }
            }
            return DenseSolve.solve(h, new double[] {0, 0, 2 * b[0], 2 * b[1], 2 * b[2]}, "penalised minimiser");
        }

        static double[][] identity() {
            return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        }

        static double[][] transpose(double[][] m) {
            double[][] t = new double[m[0].length][m.length];
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m[0].length; j++) {
                    t[j][i] = m[i][j];
                }
            }
            return t;
        }

        static double[][] mul(double[][] x, double[][] y) {
            double[][] z = new double[x.length][y[0].length];
            for (int i = 0; i < x.length; i++) {
                for (int k = 0; k < y.length; k++) {
                    for (int j = 0; j < y[0].length; j++) {
                        z[i][j] += x[i][k] * y[k][j];
                    }
                }
            }
            return z;
        }

        static double[][] scaled(double[][] x, double s) {
            double[][] z = new double[x.length][x[0].length];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    z[i][j] = s * x[i][j];
                }
            }
            return z;
        }

        static double[][] add(double[][] x, double[][] y) {
            double[][] z = new double[x.length][x[0].length];
            for (int i = 0; i < x.length; i++) {
                for (int j = 0; j < x[0].length; j++) {
                    z[i][j] = x[i][j] + y[i][j];
                }
            }
            return z;
        }

        /** θ̃ = Γw, the exact inner minimiser (layout [Θ; b] of the linear model on [x; 1]). */
        double[] innerMinimiser(double[] w) {
            double[] t = new double[3];
            for (int p = 0; p < 3; p++) {
                t[p] = gamma[p][0] * w[0] + gamma[p][1] * w[1];
            }
            return t;
        }
    }

    static PenaltyMethod method(IvToy toy, Penalty p, Schedule s, double[] w0, double lr, int joint) {
        PenaltyMethod.Builder b = PenaltyMethod.builder().problem(toy.problem).innerModel(FunctionModel.linear(2, 1,
                true)).outerInitial(B.vector(w0)).innerInitial(B.zeros(3)).penalty(p, s).outerOptimizer(Sgd.of(lr))
                .innerOptimizer(Sgd.of(lr)).jointSteps(joint);
        if (p == Penalty.VALUE_FUNCTION) {
            b.valueOptimizer(Sgd.of(0.4), 5);
        }
        return b.build();
    }

    @ParameterizedTest
    @EnumSource(value = Penalty.class, names = {"GRADIENT_SQUARED", "VALUE_FUNCTION"})
    void penalisedMinimisersApproachTwoStageLeastSquaresAtRateOneOverGamma(Penalty p) {
        IvToy toy = new IvToy(2000, 3);
        Quadratic q = new Quadratic(toy);
        double[] tsls = toy.twoStage();
        PenaltyMethod m = method(toy, p, Schedule.constant(1), new double[] {0, 0}, 0.01, 1);
        double[] gammas = {1, 10, 100, 1000, 10000};
        double previous = Double.POSITIVE_INFINITY;
        StringBuilder log = new StringBuilder(p + ":");
        for (double g : gammas) {
            double[] z = q.minimiser(p, g);
            double[] w = {z[0], z[1]};
            Tensor theta = B.vector(z[2], z[3], z[4]);
            Tensor tt = B.vector(q.innerMinimiser(w));
            Tensor[] grad = m.gradient(B.vector(w), theta, tt, g);
            double gn = Math.hypot(grad[0].normValue(), grad[1].normValue());
            double err = Math.hypot(w[0] - tsls[0], w[1] - tsls[1]);
            log.append(String.format(java.util.Locale.ROOT, " γ=%.0e: ‖∇Φ(z*)‖=%.1e ‖w*−w_2SLS‖=%.3e γ·err=%.3f;", g,
                    gn, err, g * err));
            assertTrue(gn < 1e-9 * Math.max(1, g), "‖∇Φ_γ(z*)‖ = " + gn + " at γ = " + g);
            assertTrue(err < previous / 5, "error " + err + " after " + previous + " at γ = " + g);
            if (g >= 100) {
                // the rate: γ·error settles to a constant
                assertEquals(1, g * err / (g / 10 * previous), 0.2, "γ·error at γ = " + g + " against γ/10");
            }
            previous = err;
        }
        System.out.println(log);
    }

    @ParameterizedTest
    @EnumSource(value = Penalty.class, names = {"GRADIENT_SQUARED", "VALUE_FUNCTION"})
    void iterationsReachThePenalisedMinimiserAndFollowAGrowingSchedule(Penalty p) {
        IvToy toy = new IvToy(2000, 4);
        Quadratic q = new Quadratic(toy);
        double[] tsls = toy.twoStage();
        // constant γ = 1: plain gradient descent on the quadratic reaches z*(1)
        PenaltyMethod m = method(toy, p, Schedule.constant(1), new double[] {0, 0}, 0.05, 50);
        List<OuterStep> steps = m.run(60, null);
        double[] z = q.minimiser(p, 1);
        double[] w = m.outerParameters().toDoubleArray();
        double[] th = m.innerParameters().toDoubleArray();
        double dz = 0;
        for (int i = 0; i < 5; i++) {
            dz = Math.max(dz, Math.abs((i < 2 ? w[i] : th[i - 2]) - z[i]));
        }
        System.out.println(p + " γ = 1: |z_N − z*(1)|∞ = " + dz + ", last " + steps.get(59));
        assertTrue(dz < 1e-6, "distance to z*(1): " + dz);
        assertEquals(50, steps.get(0).counts().outerGradients());
        // continuation: γ = 1 for 30 outer steps, then ×4 per step up to 256 (normalised steps); the iterates
        // follow z*(γ_n) towards the 2SLS solution
        double[] zCap = q.minimiser(p, 256);
        Schedule geometric = Schedule.geometric(1, 4, 256);
        PenaltyMethod g = method(toy, p, n -> geometric.weight(Math.max(0, n - 29)), new double[] {0, 0}, 0.05, 100);
        double[] errs = new double[40];
        for (int k = 0; k < errs.length; k++) {
            g.step();
            double[] wk = g.outerParameters().toDoubleArray();
            errs[k] = Math.hypot(wk[0] - tsls[0], wk[1] - tsls[1]);
        }
        double[] wEnd = g.outerParameters().toDoubleArray();
        double toCap = Math.hypot(wEnd[0] - zCap[0], wEnd[1] - zCap[1]);
        double errOne = Math.hypot(z[0] - tsls[0], z[1] - tsls[1]);
        System.out.println(p + " schedule 1 then 4ⁿ ≤ 256: ‖w_n − w_2SLS‖ at n = 29, 33, 39: " + errs[29] + ", "
                + errs[33] + ", " + errs[39]
                + "; ‖w_N − w*(256)‖ = " + toCap + ", ‖w*(1) − w_2SLS‖ = " + errOne);
        assertEquals(errOne, errs[29], 1e-3 * errOne, "at γ = 1 the iterate is z*(1)");
        for (int k = 30; k < errs.length; k++) {
            assertTrue(errs[k] < errs[k - 1], "error rose at step " + k + ": " + java.util.Arrays.toString(errs));
        }
        // the slow directions of the ill-conditioned penalised problem are still converging: a factor 3 is asserted
        assertTrue(errs[39] < errOne / 3, "final error " + errs[39] + " against " + errOne + " at γ = 1");
        assertTrue(toCap < errOne / 3, "distance to the minimiser at γ = 256: " + toCap);
    }

    static double directional(java.util.function.DoubleUnaryOperator f, double h) {
        return (f.applyAsDouble(h) - f.applyAsDouble(-h)) / (2 * h);
    }

    @ParameterizedTest
    @EnumSource(Penalty.class)
    void gradientsMatchCentralDifferences(Penalty p) {
        IvToy toy = new IvToy(200, 8);
        FunctionModel h = FunctionModel.of(Mlp.of(2, new int[] {5}, 1, Activation.Kind.TANH));
        PenaltyMethod.Builder b = PenaltyMethod.builder().problem(toy.problem).innerModel(h)
                .outerInitial(B.vector(0.3, -0.4)).penalty(p, Schedule.constant(3)).outerOptimizer(Adam.of(1e-2))
                .innerOptimizer(Adam.of(1e-2)).seed(5);
        if (p == Penalty.VALUE_FUNCTION) {
            b.valueOptimizer(Adam.of(1e-2), 5);
        }
        PenaltyMethod m = b.build();
        Tensor theta = h.initialParameters(B, 17);
        Tensor tt = h.initialParameters(B, 18);
        Tensor w = B.vector(0.7, -1.2);
        double worst = 0;
        for (int k = 0; k < 3; k++) {
            Tensor dw = B.randomNormal(w.shape(), 100 + k);
            Tensor dt = B.randomNormal(theta.shape(), 200 + k);
            Tensor[] g = m.gradient(w, theta, tt, 3);
            double an = g[0].dotValue(dw) + g[1].dotValue(dt);
            double fd = directional(s -> m.objective(w.add(dw.mul(s)), theta.add(dt.mul(s)), tt, 3), 1e-5);
            worst = Math.max(worst, Math.abs(an - fd) / Math.max(1e-3, Math.abs(fd)));
        }
        System.out.println(p + ": gradient relative error vs central differences " + worst);
        assertTrue(worst < 1e-6, "relative error " + worst);
        // a few steps run and report the problem's losses
        List<OuterStep> steps = m.run(3, null);
        assertEquals(3, steps.size());
        assertTrue(Double.isFinite(steps.get(2).outerLoss()) && Double.isFinite(steps.get(2).innerLoss()));
    }
}
