package org.bilevel4j.functional;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * Linear-Gaussian instrumental-variable regression: instrument x ~ N(0, I₂), hidden confounder e ~ N(0, 1),
 * treatment t = Πx + ρe𝟙 + 0.1ξ, outcome o = βᵀt + 2e + 0.1ζ, with Π = [[1, 0.5], [-0.5, 1]], ρ = 1,
 * β = (1, -2). As a functional bilevel problem (two-stage least squares): y = (t, o), f_w(t) = wᵀt,
 * l_in = (f_w(t) - v)², l_out = (o - v)², D_in and D_out the two halves of the sample. Ordinary least squares of o
 * on t is biased through e; 2SLS is consistent for β.
 */
final class IvToy {
    static final double[] BETA = {1, -2};
    final Dataset inner;
    final Dataset outer;
    final FunctionalBilevelProblem problem;
    final double[][] xIn;
    final double[][] tIn;
    final double[][] xOut;
    final double[][] tOut;
    final double[] oOut;
    final double[][] tAll;
    final double[] oAll;

    IvToy(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = new double[n][2];
        double[][] t = new double[n][2];
        double[] o = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = rng.nextGaussian();
            x[i][1] = rng.nextGaussian();
            double e = rng.nextGaussian();
            t[i][0] = x[i][0] + 0.5 * x[i][1] + e + 0.1 * rng.nextGaussian();
            t[i][1] = -0.5 * x[i][0] + x[i][1] + e + 0.1 * rng.nextGaussian();
            o[i] = BETA[0] * t[i][0] + BETA[1] * t[i][1] + 2 * e + 0.1 * rng.nextGaussian();
        }
        int h = n / 2;
        xIn = java.util.Arrays.copyOfRange(x, 0, h);
        tIn = java.util.Arrays.copyOfRange(t, 0, h);
        xOut = java.util.Arrays.copyOfRange(x, h, n);
        tOut = java.util.Arrays.copyOfRange(t, h, n);
        oOut = java.util.Arrays.copyOfRange(o, h, n);
        tAll = t;
        oAll = o;
        inner = data(x, t, o, 0, h);
        outer = data(x, t, o, h, n);
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, xx, yy) -> yy.sliceColumns(0, 2).matmul(w)
                .sub(v.reshape(v.dim(0))).square());
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, xx, yy) -> yy.sliceColumns(2, 3).sub(v).square()
                .reshape(v.dim(0)));
        problem = FunctionalBilevelProblem.builder().innerData(inner).outerData(outer).innerLoss(lIn).outerLoss(lOut)
                .outerDimension(2).build();
    }

    private static Dataset data(double[][] x, double[][] t, double[] o, int from, int to) {
        int k = to - from;
        double[] xs = new double[k * 2];
        double[] ys = new double[k * 3];
        for (int i = 0; i < k; i++) {
            xs[2 * i] = x[from + i][0];
            xs[2 * i + 1] = x[from + i][1];
            ys[3 * i] = t[from + i][0];
            ys[3 * i + 1] = t[from + i][1];
            ys[3 * i + 2] = o[from + i];
        }
        return new Dataset(DiscreteProblem.B.fromArray(xs, Shape.of(k, 2)), DiscreteProblem.B.fromArray(ys,
                Shape.of(k, 3)));
    }

    /** Γ = (ΦᵀΦ)⁻¹ΦᵀT with Φ = [x, 1] on D_in (3 × 2): the first-stage least-squares coefficients. */
    double[][] gamma() {
        double[][] ftf = new double[3][3];
        double[][] ftt = new double[3][2];
        for (int i = 0; i < xIn.length; i++) {
            double[] f = {xIn[i][0], xIn[i][1], 1};
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 3; b++) {
                    ftf[a][b] += f[a] * f[b];
                }
                for (int c = 0; c < 2; c++) {
                    ftt[a][c] += f[a] * tIn[i][c];
                }
            }
        }
        double[][] g = new double[3][2];
        for (int c = 0; c < 2; c++) {
            double[] col = DenseSolve.solve(ftf, new double[] {ftt[0][c], ftt[1][c], ftt[2][c]}, "first stage");
            for (int a = 0; a < 3; a++) {
                g[a][c] = col[a];
            }
        }
        return g;
    }

    /** Ẑ = Φ̃Γ on D_out: the predicted treatments (n₂ × 2). */
    double[][] predictedTreatments() {
        double[][] g = gamma();
        double[][] z = new double[xOut.length][2];
        for (int j = 0; j < xOut.length; j++) {
            double[] f = {xOut[j][0], xOut[j][1], 1};
            for (int c = 0; c < 2; c++) {
                for (int a = 0; a < 3; a++) {
                    z[j][c] += f[a] * g[a][c];
                }
            }
        }
        return z;
    }

    /** ∇F̂(w) = -(2/n₂) Ẑᵀ(o - Ẑw), the gradient of the empirical 2SLS objective mean (o - Ẑw)². */
    double[] gradient(double[] w) {
        double[][] z = predictedTreatments();
        double[] g = new double[2];
        for (int j = 0; j < z.length; j++) {
            double r = oOut[j] - z[j][0] * w[0] - z[j][1] * w[1];
            g[0] -= 2 * z[j][0] * r / z.length;
            g[1] -= 2 * z[j][1] * r / z.length;
        }
        return g;
    }

    /** The 2SLS estimate argmin mean (o - Ẑw)² = (ẐᵀẐ)⁻¹Ẑᵀo. */
    double[] twoStage() {
        double[][] z = predictedTreatments();
        double[][] ztz = new double[2][2];
        double[] zto = new double[2];
        for (int j = 0; j < z.length; j++) {
            for (int a = 0; a < 2; a++) {
                zto[a] += z[j][a] * oOut[j];
                for (int b = 0; b < 2; b++) {
                    ztz[a][b] += z[j][a] * z[j][b];
                }
            }
        }
        return DenseSolve.solve(ztz, zto, "second stage");
    }

    /** Ordinary least squares of o on [t, 1] over the whole sample; the slope (biased by the confounder). */
    double[] ordinaryLeastSquares() {
        double[][] a = new double[3][3];
        double[] b = new double[3];
        for (int i = 0; i < tAll.length; i++) {
            double[] f = {tAll[i][0], tAll[i][1], 1};
            for (int r = 0; r < 3; r++) {
                b[r] += f[r] * oAll[i];
                for (int c = 0; c < 3; c++) {
                    a[r][c] += f[r] * f[c];
                }
            }
        }
        double[] s = DenseSolve.solve(a, b, "OLS");
        return new double[] {s[0], s[1]};
    }

    static Tensor vector(double... v) {
        return DiscreteProblem.B.vector(v);
    }
}
