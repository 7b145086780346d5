package org.bilevel4j.apps.figure1;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.bilevel4j.algorithms.inner.GradientDescentIteration;
import org.bilevel4j.algorithms.inner.HeavyBallIteration;
import org.bilevel4j.algorithms.linalg.SymmetricEigenvalues;
import org.bilevel4j.api.autodiff.Autodiff;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.apps.models.Spectra;

/**
 * The problems of Grazzi et al. (ICML 2020), Section 3.1, exactly as the paper describes them: training and validation
 * matrices X, X' of 50 × 100 i.i.d. normal entries, noise level m = 0.1, λ sampled uniformly from the box
 * that makes the inner problem hard (q close to 1), gradient descent with the optimal step for LR and heavy
 * ball with optimal constants for KRR, BR and HR. The step size α(λ) is a constant in the derivatives (the
 * paper's ∂̂₂Φ). Spectral bounds μ(λ), L(λ) are computed per λ: exactly from the Gram matrix for
 * the quadratic problems, and as min λᵢ and ‖X‖²/4 + max λᵢ for LR.
 */
public final class Figure1Problems {
    static final int SAMPLES = 50;
    static final int FEATURES = 100;
    static final double NOISE = 0.1;

    private Figure1Problems() {
    }

    /** The problems of Figure 1, in the paper's order. */
    public static final List<String> NAMES = List.of("LR", "KRR", "BR", "HR");

    /**
     * @param name    LR, KRR, BR or HR (case-insensitive)
     * @param backend backend
     * @param seed    seed of the data
     * @return the problem
     */
    public static SyntheticProblem create(String name, Backend backend, long seed) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "LR" -> logisticRegression(backend, seed);
            case "KRR" -> kernelRidge(backend, seed);
            case "BR" -> biasedRegularization(backend, seed);
            case "HR" -> hyperRepresentation(backend, seed);
            default -> throw new IllegalArgumentException("name: expected one of " + NAMES + ", got " + name);
        };
    }

    private static Tensor gaussian(Backend b, Shape s, SplittableRandom rng) {
        return b.randomNormal(s, DType.FLOAT64, rng);
    }

    private static Tensor uniform(Backend b, Shape s, double lo, double hi, SplittableRandom rng) {
        return b.randomUniform(s, DType.FLOAT64, lo, hi, rng);
    }

    // ---------------------------------------------------------------- LR

    /** LR: logistic regression with one ℓ₂ penalty per feature, λ ∈ [0.01, 10]^100. */
    static SyntheticProblem logisticRegression(Backend b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor wStar = gaussian(b, Shape.of(FEATURES), rng);
        Tensor x = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor xv = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor y = x.matmul(wStar).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE)).sign();
        Tensor yv = xv.matmul(wStar).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE)).sign();
        Tensor a = x.mul(y.reshape(SAMPLES, 1));
        double dataSmoothness = Spectra.largestEigenvalue(x.matmul(x, true, false)) / 4;
        // Σ log(1 + exp(−yᵢ xᵢ·w)), fused: one pass over X per gradient and per Hessian-vector product
        Tensor minusY = y.neg();
        Tensor minusYv = yv.neg();
        ScalarObjective inner = ScalarObjective.of((w, l) -> x.linearModelLoss(LinearModelLoss.LOGISTIC, w, minusY)
                .add(l.mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> xv.linearModelLoss(LinearModelLoss.LOGISTIC, w,
                minusYv));
        OptimizationBilevelProblem p = BilevelProblem.optimization(outer, inner, Shape.of(FEATURES),
                Shape.of(FEATURES), l -> new CurvatureBounds(l.min().item(), dataSmoothness + l.max().item()));
        return new SyntheticProblem("LR", p, GradientDescentIteration.optimalStep(),
                l -> logisticHypergradient(a, inner, outer, l),
                r -> uniform(b, Shape.of(FEATURES), 0.01, 10, r));
    }

    /** w(λ) by Newton's method, then ∇f = -diag(w) H⁻¹ ∇_w E. */
    private static Tensor logisticHypergradient(Tensor a, ScalarObjective inner, ScalarObjective outer, Tensor l) {
        Backend b = l.backend();
        Tensor w = b.zeros(FEATURES);
        Tensor penalty = b.identity(FEATURES).mul(l.reshape(1, FEATURES));
        for (int i = 0; i < 100; i++) {
            Tensor h = hessianOfLogistic(a, w).add(penalty);
            Tensor step = h.solve(inner.gradient(w, l).inner());
            w = w.sub(step);
            if (step.normValue() <= 1e-15 * Math.max(1, w.normValue())) {
                break;
            }
        }
        Tensor h = hessianOfLogistic(a, w).add(penalty);
        return h.solve(outer.gradient(w, l).inner()).mul(w).neg();
    }

    private static Tensor hessianOfLogistic(Tensor a, Tensor w) {
        Tensor s = a.matmul(w).sigmoid();
        return a.mul(s.mul(s.neg().add(1)).reshape(a.dim(0), 1)).matmul(a, true, false);
    }

    // ---------------------------------------------------------------- KRR

    /**
     * KRR: kernel ridge regression with an anisotropic Gaussian kernel, λ = (β, γ) ∈ [0.0005, 0.005]^101.
     */
    static SyntheticProblem kernelRidge(Backend b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor wStar = gaussian(b, Shape.of(FEATURES), rng);
        Tensor x = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor xv = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor y = x.matmul(wStar).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        Tensor yv = xv.matmul(wStar).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        ScalarObjective inner = ScalarObjective.of((w, l) -> {
            Tensor k = kernel(x, x, gamma(l)).add(b.identity(SAMPLES).mul(l.slice(0, 0, 1)));
            return w.dot(k.matmul(w)).mul(0.5).sub(w.dot(y));
        });
        ScalarObjective outer = ScalarObjective.of((w, l) -> yv.sub(kernel(xv, x, gamma(l)).matmul(w)).square().sum()
                .mul(0.5));
        OptimizationBilevelProblem p = BilevelProblem.optimization(outer, inner, Shape.of(SAMPLES),
                Shape.of(FEATURES + 1), l -> {
                    Tensor k = kernel(x, x, gamma(l)).add(b.identity(SAMPLES).mul(l.get(0)));
                    double[][] rows = toRows(k);
                    double[] e = SymmetricEigenvalues.of(rows);
                    return new CurvatureBounds(e[0], e[e.length - 1]);
                });
        return new SyntheticProblem("KRR", p, HeavyBallIteration.optimal(),
                l -> Autodiff.grad(m -> {
                    Tensor k = kernel(x, x, gamma(m)).add(b.identity(SAMPLES).mul(m.slice(0, 0, 1)));
                    return outer.value(k.solve(y), m);
                }, l),
                r -> uniform(b, Shape.of(FEATURES + 1), 0.0005, 0.005, r));
    }

    private static Tensor gamma(Tensor lambda) {
        return lambda.slice(0, 1, FEATURES + 1);
    }

    /** K_ij = exp(-(u_i - v_j)ᵀ diag(γ) (u_i - v_j)), differentiable in γ. */
    static Tensor kernel(Tensor u, Tensor v, Tensor gamma) {
        Tensor su = u.square().matmul(gamma);
        Tensor sv = v.square().matmul(gamma);
        Tensor cross = u.mul(gamma.reshape(1, gamma.size())).matmul(v, false, true);
        Tensor d = su.reshape(su.size(), 1).add(sv.reshape(1, sv.size())).sub(cross.mul(2));
        return d.neg().exp();
    }

    private static double[][] toRows(Tensor m) {
        int r = m.dim(0);
        int c = m.dim(1);
        double[] v = m.toDoubleArray();
        double[][] rows = new double[r][c];
        for (int i = 0; i < r; i++) {
            System.arraycopy(v, i * c, rows[i], 0, c);
        }
        return rows;
    }

    // ---------------------------------------------------------------- BR

    /** BR: biased regularisation, β = 1, λ ∈ [-5, 5]^100. */
    static SyntheticProblem biasedRegularization(Backend b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double beta = 1.0;
        Tensor wStar = gaussian(b, Shape.of(FEATURES), rng);
        Tensor bias = b.ones(FEATURES);
        Tensor x = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor xv = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor y = x.matmul(wStar.add(bias)).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        Tensor yv = xv.matmul(wStar.add(bias)).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        Tensor h = x.matmul(x, true, false).add(b.identity(FEATURES).mul(beta));
        double[] e = SymmetricEigenvalues.of(toRows(h));
        CurvatureBounds bounds = new CurvatureBounds(e[0], e[e.length - 1]);
        ScalarObjective inner = ScalarObjective.of((w, l) -> x.matmul(w).sub(y).square().sum().mul(0.5)
                .add(w.sub(l).square().sum().mul(beta / 2)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> xv.matmul(w).sub(yv).square().sum().mul(0.5));
        OptimizationBilevelProblem p = BilevelProblem.optimization(outer, inner, Shape.of(FEATURES),
                Shape.of(FEATURES), l -> bounds);
        Tensor xty = x.matmul(y, true, false);
        return new SyntheticProblem("BR", p, HeavyBallIteration.optimal(),
                l -> Autodiff.grad(m -> outer.value(h.solve(xty.add(m.mul(beta))), m), l),
                r -> uniform(b, Shape.of(FEATURES), -5, 5, r));
    }

    // ---------------------------------------------------------------- HR

    /** HR: hyper-representation, H ∈ [-1, 1]^{100×200}, β = 10. */
    static SyntheticProblem hyperRepresentation(Backend b, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int d = 200;
        double beta = 10.0;
        Tensor hStar = gaussian(b, Shape.of(FEATURES, d), rng);
        Tensor wStar = gaussian(b, Shape.of(d), rng);
        Tensor x = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor xv = gaussian(b, Shape.of(SAMPLES, FEATURES), rng);
        Tensor y = x.matmul(hStar.matmul(wStar)).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        Tensor yv = xv.matmul(hStar.matmul(wStar)).add(gaussian(b, Shape.of(SAMPLES), rng).mul(NOISE));
        ScalarObjective inner = ScalarObjective.of((w, hh) -> x.matmul(hh.matmul(w)).sub(y).square().sum().mul(0.5)
                .add(w.square().sum().mul(beta / 2)));
        ScalarObjective outer = ScalarObjective.of((w, hh) -> xv.matmul(hh.matmul(w)).sub(yv).square().sum().mul(0.5));
        OptimizationBilevelProblem p = BilevelProblem.optimization(outer, inner, Shape.of(d), Shape.of(FEATURES, d),
                hh -> {
                    // (XH)^T(XH) + beta I has rank-50 data part: mu = beta, L = beta + lambda_max((XH)(XH)^T)
                    Tensor xh = x.matmul(hh);
                    return new CurvatureBounds(beta, beta + Spectra.largestEigenvalue(xh.matmul(xh, false, true)));
                });
        return new SyntheticProblem("HR", p, HeavyBallIteration.optimal(),
                hh -> Autodiff.grad(m -> {
                    Tensor xh = x.matmul(m);
                    Tensor w = xh.matmul(xh, true, false).add(b.identity(d).mul(beta)).solve(xh.matmul(y, true, false));
                    return outer.value(w, m);
                }, hh),
                r -> uniform(b, Shape.of(FEATURES, d), -1, 1, r));
    }
}
