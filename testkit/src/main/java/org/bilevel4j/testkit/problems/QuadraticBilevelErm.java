package org.bilevel4j.testkit.problems;

import java.util.Locale;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * A quadratic bilevel empirical risk (ridge regression on features shifted by the outer variable, tuned on a
 * validation set), written once as batched per-sample losses of a {@link FiniteSumBilevelProblem}:
 * <pre>
 *   gᵢ(w, λ) = ½ (xᵢᵀw − yᵢ − zᵢᵀλ)² + ½ μ₀‖w‖²      (n training samples, w ∈ ℝᵖ)
 *   fⱼ(w, λ) = ½ (uⱼᵀw − tⱼ)² + ½ θ‖λ‖²              (m validation samples, λ ∈ ℝ^q)
 * </pre>
 * With H = ∇²_ww g = XᵀX/n + μ₀I, M = XᵀZ/n, c = Xᵀy/n, G = UᵀU/m and e = Uᵀt/m the closed forms are
 * <pre>
 *   w*(λ) = H⁻¹(c + Mλ),   v*(λ) = H⁻¹ ∇_w f(w*(λ), λ) = H⁻¹(G w*(λ) − e),
 *   ∇Φ(λ) = θλ + Mᵀ v*(λ) = Aλ + a,   A = θI + MᵀH⁻¹GH⁻¹M,   a = MᵀH⁻¹(GH⁻¹c − e),
 * </pre>
 * so Φ is a strongly convex quadratic with minimiser λ* = −A⁻¹a. The inner problem is μ-strongly convex and
 * L-smooth with μ = λ_min(H) ≥ μ₀ and L = λ_max(H). All closed forms are computed in plain double arithmetic
 * (Cholesky solves, {@link DenseMatrices}), independently of the tensors and autodiff.
 *
 * <p>Two families of data, both seeded and drawn with {@link DenseMatrices#gaussianBoxMuller(int, int,
 * SplittableRandom)}:
 * <ul>
 *   <li>{@link #gaussian}: X, y, Z, U, t with independent standard normal entries and a given μ₀; μ and L are the
 *       extreme eigenvalues of H, computed by Jacobi rotations;</li>
 *   <li>{@link #withSpectrum}: X = √n·Q diag(√s) Vᵀ with Q (n × p) orthonormal columns and V orthogonal, so that H
 *       has the prescribed eigenvalues μ = e₁ &lt; … &lt; e_p = L, equally spaced, exactly (μ₀ = μ/2); Z is
 *       scaled by 1/√q and U by 1/√p.</li>
 * </ul>
 */
public final class QuadraticBilevelErm {
    private final Backend backend;
    private final int n;
    private final int m;
    private final int p;
    private final int q;
    private final double mu0;
    private final double theta;
    private final double mu;
    private final double smoothness;
    private final double[][] x;
    private final double[] y;
    private final double[][] z;
    private final double[][] u;
    private final double[] t;
    private final double[][] h;
    private final double[][] mm;
    private final double[] c;
    private final double[][] g;
    private final double[] e;
    private final double[][] a;
    private final double[] a0;
    private final FiniteSumBilevelProblem problem;

    /**
     * Standard normal data: X (n × p), y (n), Z (n × q), U (m × p), t (m), drawn in this order.
     *
     * @param backend backend of the finite-sum problem
     * @param n       training samples
     * @param m       validation samples
     * @param p       inner dimension
     * @param q       outer dimension
     * @param mu0     inner ridge μ₀ &gt; 0
     * @param theta   outer ridge θ &gt; 0
     * @param seed    seed
     * @return the problem
     */
    public static QuadraticBilevelErm gaussian(Backend backend, int n, int m, int p, int q, double mu0, double theta,
            long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] x = DenseMatrices.gaussianBoxMuller(n, p, rng);
        double[] y = DenseMatrices.gaussianBoxMuller(n, rng);
        double[][] z = DenseMatrices.gaussianBoxMuller(n, q, rng);
        double[][] u = DenseMatrices.gaussianBoxMuller(m, p, rng);
        double[] t = DenseMatrices.gaussianBoxMuller(m, rng);
        return new QuadraticBilevelErm(backend, mu0, theta, x, y, z, u, t, Double.NaN, Double.NaN);
    }

    /**
     * Data with a prescribed inner spectrum: Q (n × p) and V (p × p) with orthonormal columns, then y, Z, U, t,
     * drawn in this order; X = √n·Q diag(√(eₖ − μ₀)) Vᵀ with eₖ equally spaced from μ to L, μ₀ = μ/2.
     *
     * @param backend    backend of the finite-sum problem
     * @param n          training samples, at least p
     * @param m          validation samples
     * @param p          inner dimension
     * @param q          outer dimension
     * @param mu         μ = λ_min(H) &gt; 0
     * @param smoothness L = λ_max(H) ≥ μ
     * @param theta      outer ridge θ &gt; 0
     * @param seed       seed
     * @return the problem
     */
    public static QuadraticBilevelErm withSpectrum(Backend backend, int n, int m, int p, int q, double mu,
            double smoothness, double theta, long seed) {
        if (n < p) {
            throw new IllegalArgumentException("n: expected at least p = " + p + " samples, got " + n);
        }
        double mu0 = mu / 2;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] qq = DenseMatrices.orthonormalColumnsBoxMuller(n, p, rng);
        double[][] v = DenseMatrices.orthonormalColumnsBoxMuller(p, p, rng);
        double[] root = new double[p];
        for (int k = 0; k < p; k++) {
            double eig = p == 1 ? mu : mu + (smoothness - mu) * k / (p - 1);
            root[k] = Math.sqrt(n * (eig - mu0));
        }
        double[][] x = DenseMatrices.mul(DenseMatrices.scaleColumns(qq, root), DenseMatrices.transpose(v));
        double[] y = DenseMatrices.gaussianBoxMuller(n, rng);
        double[][] z = DenseMatrices.gaussianBoxMuller(n, q, rng);
        for (double[] row : z) {
            for (int k = 0; k < q; k++) {
                row[k] /= Math.sqrt(q);
            }
        }
        double[][] u = DenseMatrices.gaussianBoxMuller(m, p, rng);
        for (double[] row : u) {
            for (int k = 0; k < p; k++) {
                row[k] /= Math.sqrt(p);
            }
        }
        double[] t = DenseMatrices.gaussianBoxMuller(m, rng);
        return new QuadraticBilevelErm(backend, mu0, theta, x, y, z, u, t, mu, smoothness);
    }

    /** mu, smoothness: the exact constants when known by construction, NaN to compute them from H. */
    private QuadraticBilevelErm(Backend backend, double mu0, double theta, double[][] x, double[] y, double[][] z,
            double[][] u, double[] t, double mu, double smoothness) {
        this.backend = backend;
        this.n = x.length;
        this.m = u.length;
        this.p = x[0].length;
        this.q = z[0].length;
        this.mu0 = mu0;
        this.theta = theta;
        this.x = x;
        this.y = y;
        this.z = z;
        this.u = u;
        this.t = t;
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
        if (Double.isNaN(mu)) {
            double[] eig = DenseMatrices.symmetricEigenvalues(h);
            this.mu = eig[0];
            this.smoothness = eig[eig.length - 1];
        } else {
            this.mu = mu;
            this.smoothness = smoothness;
        }
        double[][] hInv = DenseMatrices.inverseSpd(h);
        double[][] mtHinv = DenseMatrices.mul(DenseMatrices.transpose(mm), hInv);
        double[][] aa = DenseMatrices.mul(DenseMatrices.mul(mtHinv, g), DenseMatrices.mul(hInv, mm));
        for (int k = 0; k < q; k++) {
            aa[k][k] += theta;
        }
        a = aa;
        a0 = DenseMatrices.mul(mtHinv, DenseMatrices.sub(DenseMatrices.mul(g, DenseMatrices.mul(hInv, c)), e));
        Tensor xt = backend.matrix(x);
        Tensor yt = backend.vector(y);
        Tensor zt = backend.matrix(z);
        Tensor ut = backend.matrix(u);
        Tensor tt = backend.vector(t);
        FiniteSum inner = FiniteSum.overRows((w, l, r) -> {
            Tensor res = r[0].matmul(w).sub(r[1]).sub(r[2].matmul(l));
            return res.square().mul(0.5).add(w.dot(w).mul(0.5 * mu0));
        }, xt, yt, zt);
        FiniteSum outer = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).square().mul(0.5)
                .add(l.dot(l).mul(0.5 * theta)), ut, tt);
        this.problem = FiniteSumBilevelProblem.of(inner, outer, Shape.of(p), Shape.of(q));
    }

    /** @return the finite-sum problem: n inner samples (rows of X, y, Z), m outer samples (rows of U, t) */
    public FiniteSumBilevelProblem problem() {
        return problem;
    }

    /** @return the full-batch problem with the exact curvature bounds (μ, L) of the inner problem */
    public OptimizationBilevelProblem fullBatch() {
        return problem.fullBatch(l -> new CurvatureBounds(mu, smoothness));
    }

    /** @return the backend of {@link #problem()} */
    public Backend backend() {
        return backend;
    }

    /** @return n, the training samples */
    public int n() {
        return n;
    }

    /** @return m, the validation samples */
    public int m() {
        return m;
    }

    /** @return p, the inner dimension */
    public int p() {
        return p;
    }

    /** @return q, the outer dimension */
    public int q() {
        return q;
    }

    /** @return μ₀, the inner ridge */
    public double mu0() {
        return mu0;
    }

    /** @return θ, the outer ridge */
    public double theta() {
        return theta;
    }

    /** @return μ = λ_min(H), the strong convexity of the inner problem */
    public double mu() {
        return mu;
    }

    /** @return L = λ_max(H), the smoothness of the inner problem */
    public double smoothness() {
        return smoothness;
    }

    /** @return a copy of X (n × p) */
    public double[][] x() {
        return copy(x);
    }

    /** @return a copy of y (n) */
    public double[] y() {
        return y.clone();
    }

    /** @return a copy of Z (n × q) */
    public double[][] z() {
        return copy(z);
    }

    /** @return a copy of U (m × p) */
    public double[][] u() {
        return copy(u);
    }

    /** @return a copy of t (m) */
    public double[] t() {
        return t.clone();
    }

    /** @return w*(λ) = H⁻¹(c + Mλ) */
    public double[] innerSolution(double[] lambda) {
        double[] rhs = DenseMatrices.add(c, DenseMatrices.mul(mm, lambda));
        return DenseMatrices.solveSpd(h, rhs);
    }

    /** @return ∇_w f(w, λ) = Gw − e = Uᵀ(Uw − t)/m */
    public double[] outerInnerGradient(double[] w) {
        return DenseMatrices.sub(DenseMatrices.mul(g, w), e);
    }

    /** @return v*(λ) = H⁻¹ ∇_w f(w*(λ), λ) */
    public double[] adjointSolution(double[] lambda) {
        return DenseMatrices.solveSpd(h, outerInnerGradient(innerSolution(lambda)));
    }

    /** @return ∇Φ(λ) = Aλ + a exactly */
    public double[] hypergradient(double[] lambda) {
        return DenseMatrices.add(DenseMatrices.mul(a, lambda), a0);
    }

    /** @return ‖∇Φ(λ)‖² */
    public double hypergradientNormSquared(Tensor lambda) {
        double[] r = hypergradient(lambda.toDoubleArray());
        return DenseMatrices.dot(r, r);
    }

    /** @return λ* = −A⁻¹a, the minimiser of Φ (the zero of ∇Φ) */
    public double[] outerSolution() {
        double[] rhs = new double[q];
        for (int k = 0; k < q; k++) {
            rhs[k] = -a0[k];
        }
        return DenseMatrices.solveSpd(a, rhs);
    }

    private static double[][] copy(double[][] s) {
        double[][] r = new double[s.length][];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[i].clone();
        }
        return r;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "quadratic bilevel ERM n=%d m=%d p=%d q=%d μ=%g L=%g θ=%g", n, m, p, q, mu,
                smoothness, theta);
    }
}
