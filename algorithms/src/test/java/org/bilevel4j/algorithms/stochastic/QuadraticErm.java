package org.bilevel4j.algorithms.stochastic;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.TestMatrices;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A quadratic bilevel empirical risk with closed forms, written once as batched per-sample losses:
 * <pre>
 *   gᵢ(w, λ) = ½ (xᵢᵀw − yᵢ − zᵢᵀλ)² + ½ μ₀‖w‖²      (n training samples)
 *   fⱼ(w, λ) = ½ (uⱼᵀw − tⱼ)² + ½ θ‖λ‖²              (m validation samples)
 *   H = XᵀX/n + μ₀I,  M = XᵀZ/n,  c = Xᵀy/n,  w*(λ) = H⁻¹(c + Mλ),
 *   v*(λ) = H⁻¹ ∇_w f(w*, λ),  ∇Φ(λ) = θλ + Mᵀ v*(λ).
 * </pre>
 * The closed forms are computed in plain double arithmetic (Cholesky), independently of the tensors and autodiff.
 * μ = λ_min(H) ≥ μ₀ and L = λ_max(H) are computed exactly by Jacobi rotations.
 */
public final class QuadraticErm {
    static final Backend B = TestMatrices.B;

    final int n;
    final int m;
    final int p;
    final int q;
    final double mu0;
    final double theta;
    final double[][] x;
    final double[] y;
    final double[][] z;
    final double[][] u;
    final double[] t;
    final double[][] h;
    final double[][] mm;
    final double[] c;
    final double mu;
    final double smoothness;
    final FiniteSumBilevelProblem problem;

    QuadraticErm(int n, int m, int p, int q, double mu0, double theta, long seed) {
        this.n = n;
        this.m = m;
        this.p = p;
        this.q = q;
        this.mu0 = mu0;
        this.theta = theta;
        SplittableRandom rng = new SplittableRandom(seed);
        x = gaussian(n, p, rng);
        y = column(gaussian(n, 1, rng));
        z = gaussian(n, q, rng);
        u = gaussian(m, p, rng);
        t = column(gaussian(m, 1, rng));
        h = new double[p][p];
        mm = new double[p][q];
        c = new double[p];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < p; a++) {
                c[a] += x[i][a] * y[i] / n;
                for (int b = 0; b < p; b++) {
                    h[a][b] += x[i][a] * x[i][b] / n;
                }
                for (int b = 0; b < q; b++) {
                    mm[a][b] += x[i][a] * z[i][b] / n;
                }
            }
        }
        for (int a = 0; a < p; a++) {
            h[a][a] += mu0;
        }
        double[] eig = jacobiEigenvalues(h);
        this.mu = eig[0];
        this.smoothness = eig[eig.length - 1];
        Tensor xt = B.matrix(x);
        Tensor yt = B.vector(y);
        Tensor zt = B.matrix(z);
        Tensor ut = B.matrix(u);
        Tensor tt = B.vector(t);
        FiniteSum inner = FiniteSum.overRows((w, l, r) -> {
            Tensor res = r[0].matmul(w).sub(r[1]).sub(r[2].matmul(l));
            return res.square().mul(0.5).add(w.dot(w).mul(0.5 * mu0));
        }, xt, yt, zt);
        FiniteSum outer = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).square().mul(0.5)
                .add(l.dot(l).mul(0.5 * theta)), ut, tt);
        this.problem = FiniteSumBilevelProblem.of(inner, outer, Shape.of(p), Shape.of(q));
    }

    /** @return the full-batch problem with its exact curvature bounds */
    OptimizationBilevelProblem fullBatch() {
        return problem.fullBatch(l -> new CurvatureBounds(mu, smoothness));
    }

    double[] innerSolution(double[] lambda) {
        double[] rhs = c.clone();
        for (int a = 0; a < p; a++) {
            for (int b = 0; b < q; b++) {
                rhs[a] += mm[a][b] * lambda[b];
            }
        }
        return solve(h, rhs);
    }

    /** @return ∇_w f(w, λ) = Uᵀ(Uw − t)/m */
    double[] outerInnerGradient(double[] w) {
        double[] g = new double[p];
        for (int j = 0; j < m; j++) {
            double r = dot(u[j], w) - t[j];
            for (int a = 0; a < p; a++) {
                g[a] += u[j][a] * r / m;
            }
        }
        return g;
    }

    double[] adjointSolution(double[] lambda) {
        return solve(h, outerInnerGradient(innerSolution(lambda)));
    }

    double[] hypergradient(double[] lambda) {
        double[] v = adjointSolution(lambda);
        double[] g = new double[q];
        for (int b = 0; b < q; b++) {
            g[b] = theta * lambda[b];
            for (int a = 0; a < p; a++) {
                g[b] += mm[a][b] * v[a];
            }
        }
        return g;
    }

    /** @return λ*, the zero of the affine map λ ↦ ∇Φ(λ) (Φ is a strongly convex quadratic) */
    double[] outerSolution() {
        double[] b0 = hypergradient(new double[q]);
        double[][] a = new double[q][q];
        for (int k = 0; k < q; k++) {
            double[] e = new double[q];
            e[k] = 1;
            double[] col = hypergradient(e);
            for (int r = 0; r < q; r++) {
                a[r][k] = col[r] - b0[r];
            }
        }
        double[] rhs = new double[q];
        for (int r = 0; r < q; r++) {
            rhs[r] = -b0[r];
        }
        return solve(a, rhs);
    }

    double hypergradientNormSquared(Tensor lambda) {
        double[] g = hypergradient(lambda.toDoubleArray());
        return dot(g, g);
    }

    static double[][] gaussian(int rows, int cols, SplittableRandom rng) {
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double u1 = rng.nextDouble();
                double u2 = rng.nextDouble();
                a[i][j] = Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
            }
        }
        return a;
    }

    static double[] column(double[][] a) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i][0];
        }
        return v;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** Cholesky solve of an SPD system. */
    static double[] solve(double[][] a, double[] b) {
        int k = b.length;
        double[][] l = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int r = 0; r < j; r++) {
                    s -= l[i][r] * l[j][r];
                }
                l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
            }
        }
        double[] yy = new double[k];
        for (int i = 0; i < k; i++) {
            double s = b[i];
            for (int r = 0; r < i; r++) {
                s -= l[i][r] * yy[r];
            }
            yy[i] = s / l[i][i];
        }
        double[] xx = new double[k];
        for (int i = k - 1; i >= 0; i--) {
            double s = yy[i];
            for (int r = i + 1; r < k; r++) {
                s -= l[r][i] * xx[r];
            }
            xx[i] = s / l[i][i];
        }
        return xx;
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, ascending. */
    static double[] jacobiEigenvalues(double[][] s) {
        int k = s.length;
        double[][] a = new double[k][];
        for (int i = 0; i < k; i++) {
            a[i] = s[i].clone();
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < k; i++) {
                for (int j = i + 1; j < k; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int pp = 0; pp < k; pp++) {
                for (int qq = pp + 1; qq < k; qq++) {
                    if (Math.abs(a[pp][qq]) < 1e-300) {
                        continue;
                    }
                    double tau = (a[qq][qq] - a[pp][pp]) / (2 * a[pp][qq]);
                    double tt = Math.signum(tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
                    if (tau == 0) {
                        tt = 1;
                    }
                    double cs = 1 / Math.sqrt(1 + tt * tt);
                    double sn = tt * cs;
                    for (int r = 0; r < k; r++) {
                        double arp = a[r][pp];
                        double arq = a[r][qq];
                        a[r][pp] = cs * arp - sn * arq;
                        a[r][qq] = sn * arp + cs * arq;
                    }
                    for (int r = 0; r < k; r++) {
                        double apr = a[pp][r];
                        double aqr = a[qq][r];
                        a[pp][r] = cs * apr - sn * aqr;
                        a[qq][r] = sn * apr + cs * aqr;
                    }
                }
            }
        }
        double[] e = new double[k];
        for (int i = 0; i < k; i++) {
            e[i] = a[i][i];
        }
        java.util.Arrays.sort(e);
        return e;
    }
}
