package org.bilevel4j.functional;

import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.functional.data.LinearGaussianIv;

/**
 * The linear-Gaussian instrumental-variable regression of {@link LinearGaussianIv} (instrument x ~ N(0, I₂), hidden
 * confounder e, treatment t = Πx + ρe𝟙 + 0.1ξ, outcome o = βᵀt + 2e + 0.1ζ) on the test backend, with its data as
 * arrays and the gradient of the empirical two-stage least-squares objective written out independently of the
 * library, for the tests.
 */
final class IvToy {
    static final double[] BETA = LinearGaussianIv.BETA;
    final LinearGaussianIv data;
    final Dataset inner;
    final Dataset outer;
    final FunctionalBilevelProblem problem;
    final double[][] xIn;
    final double[][] tIn;
    final double[][] xOut;
    final double[] oOut;

    IvToy(int n, long seed) {
        data = new LinearGaussianIv(n, seed);
        problem = data.problem(DiscreteProblem.B);
        inner = problem.innerData();
        outer = problem.outerData();
        xIn = columns(inner.x(), 0, 2);
        tIn = columns(inner.y(), 0, 2);
        xOut = columns(outer.x(), 0, 2);
        double[][] o = columns(outer.y(), 2, 3);
        oOut = new double[o.length];
        for (int j = 0; j < o.length; j++) {
            oOut[j] = o[j][0];
        }
    }

    /** @return rows of columns [from, to) of the matrix m */
    private static double[][] columns(Tensor m, int from, int to) {
        double[] v = m.toDoubleArray();
        int k = m.dim(1);
        double[][] out = new double[m.dim(0)][to - from];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(v, i * k + from, out[i], 0, to - from);
        }
        return out;
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

    /** @return the 2SLS estimate argmin mean (o - Ẑw)² = (ẐᵀẐ)⁻¹Ẑᵀo */
    double[] twoStage() {
        return data.twoStageLeastSquares();
    }

    /** @return the slope of the ordinary least squares of o on [t, 1] over the whole sample (biased) */
    double[] ordinaryLeastSquares() {
        return data.ordinaryLeastSquares();
    }

    static Tensor vector(double... v) {
        return DiscreteProblem.B.vector(v);
    }
}
