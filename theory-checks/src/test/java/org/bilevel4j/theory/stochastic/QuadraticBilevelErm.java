package org.bilevel4j.theory.stochastic;

import java.util.SplittableRandom;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A quadratic bilevel empirical risk with a controlled spectrum, seeded:
 * <pre>
 *   gᵢ(w, λ) = ½ (xᵢᵀw − yᵢ − zᵢᵀλ)² + ½ μ₀‖w‖²      (n training samples)
 *   fⱼ(w, λ) = ½ (uⱼᵀw − tⱼ)² + ½ θ‖λ‖²              (m validation samples)
 * </pre>
 * X = √n·Q diag(√s) Vᵀ with Q (n × p) orthonormal columns and V orthogonal, so that H = ∇²_ww g = XᵀX/n + μ₀I has
 * the eigenvalues μ = e₁ &lt; … &lt; e_p = L, equally spaced, exactly (μ₀ = μ/2). Closed forms in plain doubles:
 * w*(λ) = H⁻¹(c + Mλ) with M = XᵀZ/n, c = Xᵀy/n; v*(λ) = H⁻¹(G w* − e) with G = UᵀU/m, e = Uᵀt/m; the
 * hypergradient is affine, ∇Φ(λ) = Aλ + a with A = θI + MᵀH⁻¹GH⁻¹M and a = MᵀH⁻¹(GH⁻¹c − e).
 */
final class QuadraticBilevelErm {
    static final Backend B = Backends.get("ejml");

    final int n;
    final int m;
    final int p;
    final int q;
    final double mu;
    final double smoothness;
    final double mu0;
    final double theta;
    final double[][] x;
    final double[] y;
    final double[][] z;
    final double[][] u;
    final double[] t;
    final double[][] h;
    final double[][] hInv;
    final double[][] mm;
    final double[] c;
    final double[][] g;
    final double[] e;
    final double[][] a;
    final double[] a0;
    final FiniteSumBilevelProblem problem;

    QuadraticBilevelErm(int n, int m, int p, int q, double mu, double smoothness, double theta, long seed) {
        if (n < p) {
            throw new IllegalArgumentException("n: expected at least p = " + p + " samples, got " + n);
        }
        this.n = n;
        this.m = m;
        this.p = p;
        this.q = q;
        this.mu = mu;
        this.smoothness = smoothness;
        this.mu0 = mu / 2;
        this.theta = theta;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] qq = Mat.orthonormalColumns(n, p, rng);
        double[][] v = Mat.orthonormalColumns(p, p, rng);
        double[] root = new double[p];
        for (int k = 0; k < p; k++) {
            double eig = p == 1 ? mu : mu + (smoothness - mu) * k / (p - 1);
            root[k] = Math.sqrt(n * (eig - mu0));
        }
        x = Mat.mul(Mat.scaleColumns(qq, root), Mat.transpose(v));
        y = column(Mat.gaussian(n, 1, rng));
        z = Mat.gaussian(n, q, rng);
        for (double[] row : z) {
            for (int k = 0; k < q; k++) {
                row[k] /= Math.sqrt(q);
            }
        }
        u = Mat.gaussian(m, p, rng);
        for (double[] row : u) {
            for (int k = 0; k < p; k++) {
                row[k] /= Math.sqrt(p);
            }
        }
        t = column(Mat.gaussian(m, 1, rng));
        h = new double[p][p];
        mm = new double[p][q];
        c = new double[p];
        g = new double[p][p];
        e = new double[p];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < p; k++) {
                c[k] += x[i][k] * y[i] / n;
                for (int l = 0; l < p; l++) {
                    h[k][l] += x[i][k] * x[i][l] / n;
                }
                for (int l = 0; l < q; l++) {
                    mm[k][l] += x[i][k] * z[i][l] / n;
                }
            }
        }
        for (int k = 0; k < p; k++) {
            h[k][k] += mu0;
        }
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < p; k++) {
                e[k] += u[j][k] * t[j] / m;
                for (int l = 0; l < p; l++) {
                    g[k][l] += u[j][k] * u[j][l] / m;
                }
            }
        }
        hInv = Mat.inverseSpd(h);
        double[][] mt = Mat.transpose(mm);
        double[][] mtHinv = Mat.mul(mt, hInv);
        double[][] aa = Mat.mul(Mat.mul(mtHinv, g), Mat.mul(hInv, mm));
        for (int k = 0; k < q; k++) {
            aa[k][k] += theta;
        }
        a = aa;
        a0 = Mat.mul(mtHinv, Mat.sub(Mat.mul(g, Mat.mul(hInv, c)), e));
        Tensor xt = B.matrix(x);
        Tensor yt = B.vector(y);
        Tensor zt = B.matrix(z);
        Tensor ut = B.matrix(u);
        Tensor tt = B.vector(t);
        double m0 = mu0;
        double th = theta;
        FiniteSum inner = FiniteSum.overRows((w, l, r) -> {
            Tensor res = r[0].matmul(w).sub(r[1]).sub(r[2].matmul(l));
            return res.square().mul(0.5).add(w.dot(w).mul(0.5 * m0));
        }, xt, yt, zt);
        FiniteSum outer = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).square().mul(0.5)
                .add(l.dot(l).mul(0.5 * th)), ut, tt);
        this.problem = FiniteSumBilevelProblem.of(inner, outer, Shape.of(p), Shape.of(q));
    }

    private static double[] column(double[][] a) {
        double[] v = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            v[i] = a[i][0];
        }
        return v;
    }

    /** @return ∇Φ(λ) exactly */
    double[] hypergradient(double[] lambda) {
        double[] r = Mat.mul(a, lambda);
        for (int k = 0; k < q; k++) {
            r[k] += a0[k];
        }
        return r;
    }

    double hypergradientNormSquared(Tensor lambda) {
        double[] r = hypergradient(lambda.toDoubleArray());
        return Mat.dot(r, r);
    }

    /** @return w*(λ) */
    double[] innerSolution(double[] lambda) {
        double[] r = Mat.mul(mm, lambda);
        for (int k = 0; k < p; k++) {
            r[k] += c[k];
        }
        return Mat.mul(hInv, r);
    }

    /** @return v*(λ) = H⁻¹ ∇_w f(w*(λ)) */
    double[] adjointSolution(double[] lambda) {
        return Mat.mul(hInv, Mat.sub(Mat.mul(g, innerSolution(lambda)), e));
    }

    /** @return the per-sample inner Hessian Hᵢ = xᵢxᵢᵀ + μ₀I */
    double[][] sampleHessian(int i) {
        double[][] hi = new double[p][p];
        for (int k = 0; k < p; k++) {
            for (int l = 0; l < p; l++) {
                hi[k][l] = x[i][k] * x[i][l];
            }
            hi[k][k] += mu0;
        }
        return hi;
    }

    /** @return ∇_w gᵢ(w, λ) = xᵢ(xᵢᵀw − yᵢ − zᵢᵀλ) + μ₀w */
    double[] sampleInnerGradient(int i, double[] w, double[] lambda) {
        double r = Mat.dot(x[i], w) - y[i] - Mat.dot(z[i], lambda);
        double[] gr = new double[p];
        for (int k = 0; k < p; k++) {
            gr[k] = x[i][k] * r + mu0 * w[k];
        }
        return gr;
    }

    /** @return ∇_w fⱼ(w) = uⱼ(uⱼᵀw − tⱼ) */
    double[] sampleOuterGradient(int j, double[] w) {
        double r = Mat.dot(u[j], w) - t[j];
        double[] gr = new double[p];
        for (int k = 0; k < p; k++) {
            gr[k] = u[j][k] * r;
        }
        return gr;
    }

    /** @return max over samples of the per-sample inner smoothness ‖xᵢ‖² + μ₀ */
    double sampleSmoothness() {
        double best = 0;
        for (double[] row : x) {
            best = Math.max(best, Mat.dot(row, row) + mu0);
        }
        return best;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "quadratic bilevel ERM n=%d m=%d p=%d q=%d μ=%g L=%g θ=%g", n, m,
                p, q, mu, smoothness, theta);
    }
}
