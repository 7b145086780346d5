package org.bilevel4j.apps.stochastic;

import java.util.SplittableRandom;
import org.bilevel4j.algorithms.aid.AidEstimator;
import org.bilevel4j.algorithms.stochastic.common.BilevelState;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.problem.finitesum.FiniteSum;
import org.bilevel4j.api.problem.finitesum.FiniteSumBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * A generated finite-sum bilevel problem of the {@code stochastic} command and the outer metric logged along a run.
 * Both tasks draw n training and n validation samples of d features from one seeded generator.
 */
abstract class StochasticTask {
    final int samples;
    final int features;
    final FiniteSumBilevelProblem problem;

    private StochasticTask(int samples, int features, FiniteSumBilevelProblem problem) {
        this.samples = samples;
        this.features = features;
        this.problem = problem;
    }

    /** @return the metric's column name in the log */
    abstract String metricName();

    /** @return the metric's axis label and summary row */
    abstract String metricLabel();

    /** @return whether the metric is plotted on a log scale */
    abstract boolean logScale();

    /** @return the plot's file name */
    abstract String plotFile();

    /** @return a one-line description of the problem */
    abstract String description();

    /** @return the column name of the occasional full-batch check, or null if the task has none */
    String checkName() {
        return null;
    }

    /** @param state (w, v, λ) @return the occasional full-batch check at this state */
    double check(BilevelState state) {
        throw new UnsupportedOperationException("check: the " + getClass().getSimpleName() + " task has none");
    }

    /** @param backend the backend @return λ₀ */
    abstract Tensor initialOuter(Backend backend);

    /** @param state (w, v, λ) @return the metric at this state */
    abstract double metric(BilevelState state);

    static double[][] gaussian(int rows, int cols, SplittableRandom rng) {
        double[][] a = new double[rows][cols];
        for (double[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return a;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * A quadratic bilevel empirical risk with a closed-form hypergradient (d_w = d_λ = d):
     * <pre>
     *   gᵢ(w, λ) = ½ (xᵢᵀw − yᵢ − zᵢᵀλ)² + ½ μ₀‖w‖²     fⱼ(w, λ) = ½ (uⱼᵀw − tⱼ)² + ½ θ‖λ‖²
     *   H = XᵀX/n + μ₀I,  M = XᵀZ/n,  c = Xᵀy/n,  w*(λ) = H⁻¹(c + Mλ),
     *   ∇Φ(λ) = θλ + Mᵀ H⁻¹ Uᵀ(U w*(λ) − t)/m,
     * </pre>
     * with μ₀ = 0.5 and θ = 1. The metric ‖∇Φ(λ)‖² is computed exactly, in plain double arithmetic with a Cholesky
     * factor of H, independently of the tensors and autodiff the methods use.
     */
    static final class Quadratic extends StochasticTask {
        static final double MU0 = 0.5;
        static final double THETA = 1.0;

        private final double[][] u;
        private final double[] t;
        private final double[][] m;
        private final double[] c;
        private final double[][] chol;

        Quadratic(Backend backend, int n, int d, long seed) {
            this(backend, n, d, new SplittableRandom(seed));
        }

        private Quadratic(Backend backend, int n, int d, SplittableRandom rng) {
            this(backend, n, d, gaussian(n, d, rng), gaussian(n, 1, rng), gaussian(n, d, rng), gaussian(n, d, rng),
                    gaussian(n, 1, rng));
        }

        private Quadratic(Backend backend, int n, int d, double[][] x, double[][] y, double[][] z, double[][] u,
                double[][] t) {
            super(n, d, problem(backend, x, y, z, u, t));
            this.u = u;
            this.t = column(t);
            double[][] h = new double[d][d];
            m = new double[d][d];
            c = new double[d];
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < d; a++) {
                    c[a] += x[i][a] * y[i][0] / n;
                    for (int b = 0; b < d; b++) {
                        h[a][b] += x[i][a] * x[i][b] / n;
                        m[a][b] += x[i][a] * z[i][b] / n;
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                h[a][a] += MU0;
            }
            chol = cholesky(h);
        }

        private static FiniteSumBilevelProblem problem(Backend backend, double[][] x, double[][] y, double[][] z,
                double[][] u, double[][] t) {
            int d = x[0].length;
            FiniteSum inner = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).sub(r[2].matmul(l)).square()
                    .mul(0.5).add(w.dot(w).mul(0.5 * MU0)), backend.matrix(x), backend.vector(column(y)),
                    backend.matrix(z));
            FiniteSum outer = FiniteSum.overRows((w, l, r) -> r[0].matmul(w).sub(r[1]).square().mul(0.5)
                    .add(l.dot(l).mul(0.5 * THETA)), backend.matrix(u), backend.vector(column(t)));
            return FiniteSumBilevelProblem.of(inner, outer, Shape.of(d), Shape.of(d));
        }

        /** @param lambda λ @return the exact ∇Φ(λ) */
        double[] hypergradient(double[] lambda) {
            int d = features;
            double[] rhs = c.clone();
            for (int a = 0; a < d; a++) {
                rhs[a] += dot(m[a], lambda);
            }
            double[] w = solve(rhs);
            double[] gw = new double[d];
            for (int j = 0; j < u.length; j++) {
                double r = dot(u[j], w) - t[j];
                for (int a = 0; a < d; a++) {
                    gw[a] += u[j][a] * r / u.length;
                }
            }
            double[] v = solve(gw);
            double[] g = new double[d];
            for (int b = 0; b < d; b++) {
                g[b] = THETA * lambda[b];
                for (int a = 0; a < d; a++) {
                    g[b] += m[a][b] * v[a];
                }
            }
            return g;
        }

        /** λ₀ = (1, …, 1): far enough from λ* that the decrease of ‖∇Φ‖² shows (at λ = 0 it is small). */
        @Override
        Tensor initialOuter(Backend backend) {
            return backend.zeros(problem.outerShape()).add(1.0);
        }

        @Override
        double metric(BilevelState state) {
            double[] g = hypergradient(state.outer().toDoubleArray());
            return dot(g, g);
        }

        @Override
        String metricName() {
            return "hypergradient_norm_squared";
        }

        @Override
        String metricLabel() {
            return "‖∇Φ(λ)‖² (exact)";
        }

        @Override
        boolean logScale() {
            return true;
        }

        @Override
        String plotFile() {
            return "hypergradient.png";
        }

        @Override
        String description() {
            return "quadratic bilevel ERM: " + samples + " training and " + samples + " validation samples, d_w = d_λ = "
                    + features + ", μ₀ = " + MU0 + ", θ = " + THETA;
        }

        private static double[][] cholesky(double[][] h) {
            int d = h.length;
            double[][] l = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = h[i][j];
                    for (int k = 0; k < j; k++) {
                        s -= l[i][k] * l[j][k];
                    }
                    l[i][j] = i == j ? Math.sqrt(s) : s / l[j][j];
                }
            }
            return l;
        }

        private double[] solve(double[] b) {
            int d = b.length;
            double[] y = new double[d];
            for (int i = 0; i < d; i++) {
                double s = b[i];
                for (int k = 0; k < i; k++) {
                    s -= chol[i][k] * y[k];
                }
                y[i] = s / chol[i][i];
            }
            double[] x = new double[d];
            for (int i = d - 1; i >= 0; i--) {
                double s = y[i];
                for (int k = i + 1; k < d; k++) {
                    s -= chol[k][i] * x[k];
                }
                x[i] = s / chol[i][i];
            }
            return x;
        }
    }

    /**
     * Per-feature L2 tuning of a logistic regression: labels yᵢ = sign(xᵢᵀw̄ + noise) of a random w̄,
     * <pre>
     *   gᵢ(w, λ) = log(1 + exp(−yᵢxᵢᵀw)) + ½ Σₖ e^{λₖ} wₖ²     fⱼ(w, λ) = log(1 + exp(−yⱼuⱼᵀw)) + ½ θ‖λ‖²
     * </pre>
     * with θ = 0.05 (a Gaussian prior on λ keeps the stationary point finite). The metric is the validation loss
     * (1/m) Σⱼ fⱼ(w_t, λ_t) at the method's current inner iterate, computed in plain double arithmetic; a few times a
     * run, ‖∇Φ(λ_t)‖ is also estimated by AID-CG on the full-batch problem ({@link #check}).
     */
    static final class Logistic extends StochasticTask {
        static final double THETA = 0.05;

        /** Inner steps and CG iterations of the full-batch AID check. */
        static final int CHECK_INNER_STEPS = 600;
        static final int CHECK_CG_STEPS = 60;

        private final double[][] u;
        private final double[] labels;
        private final double dataCurvature;

        Logistic(Backend backend, int n, int d, long seed) {
            this(backend, n, d, new SplittableRandom(seed));
        }

        private Logistic(Backend backend, int n, int d, SplittableRandom rng) {
            this(backend, n, d, column(gaussian(d, 1, rng)), gaussian(n, d, rng), gaussian(n, d, rng), rng);
        }

        private Logistic(Backend backend, int n, int d, double[] truth, double[][] x, double[][] u,
                SplittableRandom rng) {
            this(n, d, x, labels(x, truth, rng), u, labels(u, truth, rng), backend);
        }

        private Logistic(int n, int d, double[][] x, double[] y, double[][] u, double[] t, Backend backend) {
            super(n, d, FiniteSumBilevelProblem.of(
                    FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus()
                            .add(w.square().mul(l.exp()).sum().mul(0.5)), backend.matrix(x), backend.vector(y)),
                    FiniteSum.overRows((w, l, r) -> r[1].mul(r[0].matmul(w)).neg().softplus()
                            .add(l.dot(l).mul(0.5 * THETA)), backend.matrix(u), backend.vector(t)),
                    Shape.of(d), Shape.of(d)));
            this.u = u;
            this.labels = t;
            this.dataCurvature = 0.25 * 1.1 * largestEigenvalue(x);
        }

        /** @return λ_max(XᵀX/n) by 100 power iterations (a lower estimate; the caller adds a margin) */
        private static double largestEigenvalue(double[][] x) {
            int d = x[0].length;
            double[] v = new double[d];
            java.util.Arrays.fill(v, 1 / Math.sqrt(d));
            double lambda = 0;
            for (int k = 0; k < 100; k++) {
                double[] next = new double[d];
                for (double[] row : x) {
                    double r = dot(row, v) / x.length;
                    for (int a = 0; a < d; a++) {
                        next[a] += row[a] * r;
                    }
                }
                lambda = Math.sqrt(dot(next, next));
                if (lambda == 0) {
                    return 0;
                }
                for (int a = 0; a < d; a++) {
                    v[a] = next[a] / lambda;
                }
            }
            return lambda;
        }

        @Override
        String checkName() {
            return "hypergradient_norm_aid";
        }

        /**
         * ‖∇Φ(λ)‖ by AID-CG ({@value #CHECK_INNER_STEPS} inner gradient steps, {@value #CHECK_CG_STEPS} CG
         * iterations) on the full-batch problem, the inner map being gradient descent with the step 2/(μ + L) for
         * μ = min e^λ and L = ¼·1.1·λ_max(XᵀX/n) + max e^λ (the logistic curvature is at most ¼).
         */
        @Override
        double check(BilevelState state) {
            OptimizationBilevelProblem full = problem.fullBatch(l -> {
                double[] e = l.toDoubleArray();
                double min = Double.POSITIVE_INFINITY;
                double max = 0;
                for (double li : e) {
                    min = Math.min(min, Math.exp(li));
                    max = Math.max(max, Math.exp(li));
                }
                return new CurvatureBounds(min, dataCurvature + max);
            });
            return AidEstimator.conjugateGradient(CHECK_INNER_STEPS, CHECK_CG_STEPS).estimate(full, state.outer())
                    .hypergradient().normValue();
        }

        private static double[] labels(double[][] a, double[] truth, SplittableRandom rng) {
            double[] y = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                y[i] = dot(a[i], truth) + 0.5 * (rng.nextDouble() - 0.5) > 0 ? 1 : -1;
            }
            return y;
        }

        /** λ₀ = 0: every penalty e^λ is 1. */
        @Override
        Tensor initialOuter(Backend backend) {
            return backend.zeros(problem.outerShape());
        }

        @Override
        double metric(BilevelState state) {
            double[] w = state.inner().toDoubleArray();
            double[] l = state.outer().toDoubleArray();
            double loss = 0;
            for (int j = 0; j < u.length; j++) {
                double z = -labels[j] * dot(u[j], w);
                loss += z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
            }
            return loss / u.length + 0.5 * THETA * dot(l, l);
        }

        @Override
        String metricName() {
            return "validation_loss";
        }

        @Override
        String metricLabel() {
            return "validation loss";
        }

        @Override
        boolean logScale() {
            return false;
        }

        @Override
        String plotFile() {
            return "validation-loss.png";
        }

        @Override
        String description() {
            return "per-feature L2 tuning of a logistic regression: " + samples + " training and " + samples
                    + " validation samples, " + features + " features, θ = " + THETA;
        }
    }

    static double[] column(double[][] a) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i][0];
        }
        return c;
    }
}
