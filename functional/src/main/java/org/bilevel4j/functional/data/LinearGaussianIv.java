package org.bilevel4j.functional.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.functional.Dataset;
import org.bilevel4j.functional.DenseSolve;
import org.bilevel4j.functional.FunctionalBilevelProblem;
import org.bilevel4j.functional.PointwiseLoss;

/**
 * Linear-Gaussian instrumental-variable regression, a miniature of the dSprites experiment of Petrulionytė, Mairal,
 * Arbel, "Functional Bilevel Optimization for Machine Learning", NeurIPS 2024: instrument x ~ N(0, I₂), hidden
 * confounder e ~ N(0, 1), treatment t = Πx + ρe𝟙 + 0.1ξ, outcome o = βᵀt + 2e + 0.1ζ, with Π = [[1, 0.5],
 * [-0.5, 1]], ρ = 1, β = (1, -2) and ξ ~ N(0, I₂), ζ ~ N(0, 1). Ordinary least squares of o on t is biased
 * (e enters both); two-stage least squares (2SLS) — regress t on x, then o on the predicted t — is consistent for β.
 * As a functional bilevel problem (the paper's (10)–(11)): y = (t, o), f_w(t) = wᵀt, l_in = (f_w(t) - v)²,
 * l_out = (o - v)², D_in and D_out the first and second halves of the sample; its solution is the 2SLS estimate.
 */
public final class LinearGaussianIv {
    /** The structural coefficients β. */
    public static final double[] BETA = {1, -2};

    private final double[][] x;
    private final double[][] t;
    private final double[] o;
    private final int half;

    /**
     * @param n    the sample size, at least 8
     * @param seed the seed
     */
    public LinearGaussianIv(int n, long seed) {
        if (n < 8) {
            throw new IllegalArgumentException("n: expected at least 8 samples, got " + n);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        x = new double[n][2];
        t = new double[n][2];
        o = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = rng.nextGaussian();
            x[i][1] = rng.nextGaussian();
            double e = rng.nextGaussian();
            t[i][0] = x[i][0] + 0.5 * x[i][1] + e + 0.1 * rng.nextGaussian();
            t[i][1] = -0.5 * x[i][0] + x[i][1] + e + 0.1 * rng.nextGaussian();
            o[i] = BETA[0] * t[i][0] + BETA[1] * t[i][1] + 2 * e + 0.1 * rng.nextGaussian();
        }
        half = n / 2;
    }

    /** @return n */
    public int size() {
        return o.length;
    }

    /**
     * @param backend the backend of the data
     * @return the two-stage least-squares problem with D_in the first half and D_out the second
     */
    public FunctionalBilevelProblem problem(Backend backend) {
        Objects.requireNonNull(backend, "backend");
        PointwiseLoss lIn = PointwiseLoss.of(1, (w, v, xx, yy) -> yy.sliceColumns(0, 2).matmul(w)
                .sub(v.reshape(v.dim(0))).square());
        PointwiseLoss lOut = PointwiseLoss.of(1, (w, v, xx, yy) -> yy.sliceColumns(2, 3).sub(v).square()
                .reshape(v.dim(0)));
        return FunctionalBilevelProblem.builder().innerData(data(backend, 0, half))
                .outerData(data(backend, half, o.length)).innerLoss(lIn).outerLoss(lOut).outerDimension(2).build();
    }

    private Dataset data(Backend b, int from, int to) {
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
        return new Dataset(b.fromArray(xs, Shape.of(k, 2)), b.fromArray(ys, Shape.of(k, 3)));
    }

    /** @return the slope of the ordinary least squares of o on [t, 1] over the whole sample (biased) */
    public double[] ordinaryLeastSquares() {
        double[][] f = new double[o.length][];
        for (int i = 0; i < o.length; i++) {
            f[i] = new double[] {t[i][0], t[i][1], 1};
        }
        double[] s = leastSquares(f, o);
        return new double[] {s[0], s[1]};
    }

    /**
     * @return the 2SLS estimate: Γ = least squares of t on [x, 1] over D_in, Ẑ = [x̃, 1]Γ on D_out, then
     *         (ẐᵀẐ)⁻¹Ẑᵀõ — the minimiser of the bilevel problem with a linear h
     */
    public double[] twoStageLeastSquares() {
        double[][] fin = new double[half][];
        for (int i = 0; i < half; i++) {
            fin[i] = new double[] {x[i][0], x[i][1], 1};
        }
        double[] g0 = leastSquares(fin, column(t, 0, 0, half));
        double[] g1 = leastSquares(fin, column(t, 1, 0, half));
        int m = o.length - half;
        double[][] z = new double[m][2];
        for (int j = 0; j < m; j++) {
            double[] f = {x[half + j][0], x[half + j][1], 1};
            for (int a = 0; a < 3; a++) {
                z[j][0] += f[a] * g0[a];
                z[j][1] += f[a] * g1[a];
            }
        }
        return leastSquares(z, Arrays.copyOfRange(o, half, o.length));
    }

    private static double[] column(double[][] a, int c, int from, int to) {
        double[] out = new double[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = a[i][c];
        }
        return out;
    }

    /** argmin ‖Fβ - y‖² by the normal equations FᵀFβ = Fᵀy. */
    private static double[] leastSquares(double[][] f, double[] y) {
        int p = f[0].length;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        for (int i = 0; i < f.length; i++) {
            for (int r = 0; r < p; r++) {
                b[r] += f[i][r] * y[i];
                for (int c = 0; c < p; c++) {
                    a[r][c] += f[i][r] * f[i][c];
                }
            }
        }
        return DenseSolve.solve(a, b, "leastSquares: the normal equations");
    }
}
