package org.bilevel4j.functional;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A functional bilevel problem on a finite input space {e₁, …, e_n} (one-hot inputs) with exact ground truth.
 * P and Q put weights p_X(i) p_Y(j | i) and q_X(i) q_Y(j | i) on the rows (eᵢ, y_ij), j = 1..m, so that full
 * weighted batches are population expectations and H = L²(P) is ℝ^{n × d_v}. Losses:
 * <pre>
 *   l_in(w, v, x, y)  = (μ/2)‖v‖² + Σ_k log cosh(v_k - (U_ij w)_k)      (μ-strongly convex in v)
 *   l_out(w, v, x, y) = ½‖v - y_ij^out‖² + wᵀ G v
 * </pre>
 * The reference quantities (h*_w by Newton per point, C, B, d̄, g, ∇F = g - B C⁻¹ d̄) are computed here from
 * hand-written derivatives on plain arrays, independently of the library's autodiff path.
 */
final class DiscreteProblem {
    static final Backend B = Backends.get("ejml");

    final int n;
    final int m;
    final int dv;
    final int d;
    final double mu;
    final double[] px;
    final double[][] py;
    final double[] qx;
    final double[][] qy;
    final double[][][][] u; // [i][j][k][l]
    final double[][][] yOut; // [i][j][k]
    final double[][] g; // [d][dv]
    final Dataset inner;
    final Dataset outer;
    final FunctionalBilevelProblem problem;

    DiscreteProblem(int n, int m, int dv, int d, double mu, long seed) {
        this.n = n;
        this.m = m;
        this.dv = dv;
        this.d = d;
        this.mu = mu;
        SplittableRandom rng = new SplittableRandom(seed);
        px = simplex(n, rng);
        qx = simplex(n, rng);
        py = new double[n][];
        qy = new double[n][];
        u = new double[n][m][dv][d];
        yOut = new double[n][m][dv];
        for (int i = 0; i < n; i++) {
            py[i] = simplex(m, rng);
            qy[i] = simplex(m, rng);
            for (int j = 0; j < m; j++) {
                for (int k = 0; k < dv; k++) {
                    yOut[i][j][k] = rng.nextGaussian();
                    for (int l = 0; l < d; l++) {
                        u[i][j][k][l] = rng.nextGaussian();
                    }
                }
            }
        }
        g = new double[d][dv];
        for (int l = 0; l < d; l++) {
            for (int k = 0; k < dv; k++) {
                g[l][k] = 0.3 * rng.nextGaussian();
            }
        }
        int rows = n * m;
        int dy = dv * d + dv;
        double[] xs = new double[rows * n];
        double[] ys = new double[rows * dy];
        double[] pw = new double[rows];
        double[] qw = new double[rows];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                int r = i * m + j;
                xs[r * n + i] = 1;
                for (int k = 0; k < dv; k++) {
                    for (int l = 0; l < d; l++) {
                        ys[r * dy + k * d + l] = u[i][j][k][l];
                    }
                    ys[r * dy + dv * d + k] = yOut[i][j][k];
                }
                pw[r] = px[i] * py[i][j];
                qw[r] = qx[i] * qy[i][j];
            }
        }
        Tensor x = B.fromArray(xs, Shape.of(rows, n));
        Tensor y = B.fromArray(ys, Shape.of(rows, dy));
        inner = Dataset.weighted(x, y, pw);
        outer = Dataset.weighted(x, y, qw);
        double[] gFlat = new double[d * dv];
        for (int l = 0; l < d; l++) {
            for (int k = 0; k < dv; k++) {
                gFlat[l * dv + k] = g[l][k];
            }
        }
        Tensor gT = B.fromArray(gFlat, Shape.of(d, dv));
        final int dd = d;
        final int ddv = dv;
        final double mmu = mu;
        PointwiseLoss lIn = PointwiseLoss.of(dv, (w, v, xx, yy) -> {
            Tensor s = v.square().sum(1).mul(mmu / 2);
            for (int k = 0; k < ddv; k++) {
                Tensor z = v.sliceColumns(k, k + 1).reshape(v.dim(0)).sub(yy.sliceColumns(k * dd, (k + 1) * dd)
                        .matmul(w));
                s = s.add(z.mul(2).softplus().sub(z).sub(Math.log(2)));
            }
            return s;
        });
        PointwiseLoss lOut = PointwiseLoss.of(dv, (w, v, xx, yy) -> v.sub(yy.sliceColumns(ddv * dd, ddv * dd + ddv))
                .square().sum(1).mul(0.5).add(v.matmul(gT.matmul(w, true, false))));
        problem = FunctionalBilevelProblem.builder().innerData(inner).outerData(outer).innerLoss(lIn).outerLoss(lOut)
                .outerDimension(d).build();
    }

    private static double[] simplex(int k, SplittableRandom rng) {
        double[] p = new double[k];
        double s = 0;
        for (int i = 0; i < k; i++) {
            p[i] = 0.2 + rng.nextDouble();
            s += p[i];
        }
        for (int i = 0; i < k; i++) {
            p[i] /= s;
        }
        return p;
    }

    double z(double[] w, double[] v, int i, int j, int k) {
        double s = v[k];
        for (int l = 0; l < d; l++) {
            s -= u[i][j][k][l] * w[l];
        }
        return s;
    }

    /** h*_w(eᵢ) by Newton on Σ_j p_Y(j|i) ∂_v l_in = 0, per point. */
    double[][] hStar(double[] w) {
        double[][] h = new double[n][dv];
        for (int i = 0; i < n; i++) {
            double[] v = new double[dv];
            for (int it = 0; it < 60; it++) {
                double[] grad = new double[dv];
                double[] diag = new double[dv];
                for (int k = 0; k < dv; k++) {
                    grad[k] = mu * v[k];
                    diag[k] = mu;
                    for (int j = 0; j < m; j++) {
                        double zz = z(w, v, i, j, k);
                        grad[k] += py[i][j] * Math.tanh(zz);
                        double c = 1 / Math.cosh(zz);
                        diag[k] += py[i][j] * c * c;
                    }
                }
                for (int k = 0; k < dv; k++) {
                    v[k] -= grad[k] / diag[k];
                }
            }
            h[i] = v;
        }
        return h;
    }

    /** F(w) = E_Q[l_out(w, h*_w(x), x, y)]. */
    double value(double[] w) {
        double[][] h = hStar(w);
        double f = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double l = 0;
                for (int k = 0; k < dv; k++) {
                    double r = h[i][k] - yOut[i][j][k];
                    l += 0.5 * r * r;
                    for (int a = 0; a < d; a++) {
                        l += w[a] * g[a][k] * h[i][k];
                    }
                }
                f += qx[i] * qy[i][j] * l;
            }
        }
        return f;
    }

    /** The dense operators at (w, h): C (nd_v × nd_v), Bᵀ as B (d × nd_v), d̄ (nd_v), g_w (d). */
    record Dense(double[][] c, double[][] b, double[] dbar, double[] gw) {
    }

    Dense dense(double[] w, double[][] h) {
        int nh = n * dv;
        double[][] c = new double[nh][nh];
        double[][] b = new double[d][nh];
        double[] dbar = new double[nh];
        double[] gw = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double p = px[i] * py[i][j];
                double q = qx[i] * qy[i][j];
                for (int k = 0; k < dv; k++) {
                    double zz = z(w, h[i], i, j, k);
                    double sech2 = 1 / (Math.cosh(zz) * Math.cosh(zz));
                    c[i * dv + k][i * dv + k] += p * (mu + sech2);
                    for (int l = 0; l < d; l++) {
                        b[l][i * dv + k] += p * sech2 * (-u[i][j][k][l]);
                    }
                    double gtw = 0;
                    for (int l = 0; l < d; l++) {
                        gtw += g[l][k] * w[l];
                    }
                    dbar[i * dv + k] += q * (h[i][k] - yOut[i][j][k] + gtw);
                    for (int l = 0; l < d; l++) {
                        gw[l] += q * g[l][k] * h[i][k];
                    }
                }
            }
        }
        return new Dense(c, b, dbar, gw);
    }

    /** a* = -C⁻¹ d̄ as an [n][d_v] table, by a dense LU solve on the backend. */
    double[][] adjointStar(double[] w, double[][] h) {
        Dense o = dense(w, h);
        double[] a = B.matrix(o.c).solve(B.vector(o.dbar)).neg().toDoubleArray();
        double[][] t = new double[n][dv];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a, i * dv, t[i], 0, dv);
        }
        return t;
    }

    /** ∇F(w) = g_w + B a* (dense). */
    double[] gradF(double[] w) {
        double[][] h = hStar(w);
        Dense o = dense(w, h);
        double[] a = B.matrix(o.c).solve(B.vector(o.dbar)).neg().toDoubleArray();
        double[] grad = o.gw.clone();
        for (int l = 0; l < d; l++) {
            for (int r = 0; r < a.length; r++) {
                grad[l] += o.b[l][r] * a[r];
            }
        }
        return grad;
    }

    /** The table h (one row per support point) expanded to one row per data row. */
    Tensor rows(double[][] table) {
        double[] v = new double[n * m * dv];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                System.arraycopy(table[i], 0, v, (i * m + j) * dv, dv);
            }
        }
        return B.fromArray(v, Shape.of(n * m, dv));
    }
}
