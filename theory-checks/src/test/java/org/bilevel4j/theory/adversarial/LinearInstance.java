package org.bilevel4j.theory.adversarial;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.map.GradientStepMap;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.problem.OptimizationBilevelProblem;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Backends;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.DType;
import org.bilevel4j.api.tensor.types.Shape;

/**
 * One generated bilevel problem with an exact hypergradient, at one λ. The outer objective is the quadratic
 * E(w, λ) = ½‖w - y‖² + wᵀKλ + ½θ‖λ‖², so ∇₁E = w - y + Kλ and ∇₂E = Kᵀw + θλ. The inner problem is either
 * <ul>
 *   <li>the affine fixed-point map Φ(w, λ) = A w + B λ + c (fixed-point form; S = I - A, R = B, T = 1), or</li>
 *   <li>the quadratic g(w, λ) = ½wᵀHw - wᵀBλ with gradient steps Φ = w - α∇_w g at the optimal step
 *       α = 2/(μ + L) (optimization form; S = H, R = B, T = α, Φ = (I - αH) w + αBλ).</li>
 * </ul>
 * In both, w - Φ(w, λ) = T (S w - R λ - c), w(λ) = S⁻¹(Rλ + c) and ∇f = ∇₂E + Rᵀ S⁻ᵀ ∇₁E at w(λ), computed in
 * float64 by LU with iterative refinement on compensated residuals. For float32 instances every matrix and vector is
 * first rounded to float32 and the ground truth is that of the rounded data (what the tensors hold).
 */
final class LinearInstance {
    static final Backend B = Backends.get("ejml");

    /** The shape of the inner problem. */
    enum Kind {
        /** Φ affine, A symmetric with spectrum in [-q, q], ∂₁Φ declared symmetric. */
        CONTRACTION_SYMMETRIC(true),
        /** Φ affine, A = U diag(σ) Vᵀ with ‖A‖₂ = q, ∂₁Φ declared non-symmetric. */
        CONTRACTION_GENERAL(true),
        /** The optimization form with a quadratic inner objective, Hessian spectrum in [μ, L], κ = L/μ. */
        OPTIMIZATION(true),
        /** Φ affine with spectral radius in [1.05, 3] (a fixed point exists but repels). */
        EXPANDING(false),
        /** Φ affine with the eigenvalue 1 and c outside the range of I - A: no fixed point. */
        NO_FIXED_POINT(false);

        final boolean contraction;

        Kind(boolean contraction) {
            this.contraction = contraction;
        }
    }

    /** What the problem declares about q. */
    enum Knowledge {
        /** ContractionInfo.known with a proven upper bound on ‖∂₁Φ‖₂. */
        KNOWN,
        /** ContractionInfo.estimated with the same (correct) value. */
        ESTIMATED,
        /** ContractionInfo.estimated with a value well below the truth (a bad measurement). */
        ESTIMATED_LOW,
        /** ContractionInfo.unknown. */
        UNKNOWN
    }

    final long seed;
    final Kind kind;
    final DType dtype;
    final int d;
    final int n;
    final double kappa;
    final Knowledge knowledge;
    final boolean symmetric;
    /** S, R, c and T of the class comment, and A_eff = I - T S, the Jacobian ∂₁Φ. */
    final double[][] s;
    final double[][] r;
    final double[] c;
    final double t;
    final double[][] a;
    final double[][] k;
    final double[] y;
    final double theta;
    final double[] lambda;
    /** The q the problem declares (NaN if unknown); for KNOWN a proven bound on ‖A_eff‖₂. */
    final double declaredQ;
    /** For the optimization form: the declared curvature bounds. */
    final CurvatureBounds curvature;

    final double[] wStar;
    final double[] gradient;
    final double kNorm;
    /** G = ‖S⁻¹R‖_F ≥ ‖Rᵀ S⁻ᵀ‖₂, the sensitivity of the hypergradient to ∇₁E. */
    final double sensitivity;
    /** ‖S⁻¹‖_F. */
    final double inverseNorm;
    /** ‖A_eff‖_F. */
    final double jacobianNorm;
    final double radius;

    final Tensor lambdaTensor;
    final BilevelProblem problem;

    private final Dense64.Lu sLu;

    LinearInstance(long seed) {
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 17);
        Kind[] kinds = Kind.values();
        double pk = rng.nextDouble();
        kind = pk < 0.25 ? Kind.CONTRACTION_SYMMETRIC : pk < 0.5 ? Kind.CONTRACTION_GENERAL : pk < 0.75
                ? Kind.OPTIMIZATION : pk < 0.88 ? Kind.EXPANDING : kinds[4];
        dtype = rng.nextDouble() < 0.25 ? DType.FLOAT32 : DType.FLOAT64;
        // dimensions 1..64, small ones more often (log-uniform)
        d = Math.max(1, Math.min(64, (int) Math.floor(Math.exp(rng.nextDouble() * Math.log(65)))));
        n = 1 + rng.nextInt(Math.min(d, 6));
        double maxLogKappa = dtype == DType.FLOAT32 ? 4 : 8;
        kappa = rng.nextDouble() < 0.15 ? Math.pow(10, maxLogKappa) : Math.pow(10, rng.nextDouble() * maxLogKappa);
        double pq = rng.nextDouble();
        knowledge = kind == Kind.OPTIMIZATION ? Knowledge.KNOWN : pq < 0.5 ? Knowledge.KNOWN : pq < 0.7
                ? Knowledge.ESTIMATED : pq < 0.85 ? Knowledge.ESTIMATED_LOW : Knowledge.UNKNOWN;
        symmetric = kind == Kind.CONTRACTION_SYMMETRIC || kind == Kind.OPTIMIZATION
                || (!kind.contraction && rng.nextBoolean());

        k = Dense64.gaussianMatrix(d, n, 1 / Math.sqrt(d), rng);
        y = Dense64.gaussianVector(d, rng);
        double th = rng.nextDouble();
        lambda = Dense64.gaussianVector(n, rng);
        double[][] rr = Dense64.gaussianMatrix(d, n, 1 / Math.sqrt(d), rng);
        double[] cc = kind == Kind.OPTIMIZATION ? new double[d] : Dense64.gaussianVector(d, rng);
        double[][] aa;
        double[][] ss;
        double tt = 1;
        double nominalQ;
        CurvatureBounds bounds = null;
        switch (kind) {
            case CONTRACTION_SYMMETRIC, CONTRACTION_GENERAL -> {
                // ‖A‖₂ = q and κ(I - A) ≤ (1 + q)/(1 - q) = κ
                nominalQ = (kappa - 1) / (kappa + 1);
                double[] sv = new double[d];
                for (int i = 0; i < d; i++) {
                    sv[i] = i == 0 ? nominalQ : (kind == Kind.CONTRACTION_SYMMETRIC && i == 1 ? -nominalQ
                            : nominalQ * (2 * rng.nextDouble() - 1));
                }
                double[][] u = Dense64.orthogonal(d, rng);
                double[][] v = kind == Kind.CONTRACTION_SYMMETRIC ? u : Dense64.orthogonal(d, rng);
                if (kind == Kind.CONTRACTION_GENERAL) {
                    for (int i = 0; i < d; i++) {
                        sv[i] = Math.abs(sv[i]);
                    }
                }
                aa = Dense64.fromFactors(u, sv, v);
                if (kind == Kind.CONTRACTION_SYMMETRIC) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < i; j++) {
                            aa[i][j] = aa[j][i];
                        }
                    }
                }
                ss = null;
            }
            case OPTIMIZATION -> {
                double[] h = new double[d];
                for (int i = 0; i < d; i++) {
                    h[i] = i == 0 ? 1 : i == 1 ? 1 / kappa : Math.pow(kappa, -rng.nextDouble());
                }
                double[][] u = Dense64.orthogonal(d, rng);
                ss = Dense64.fromFactors(u, h, u);
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < i; j++) {
                        ss[i][j] = ss[j][i];
                    }
                }
                aa = null;
                nominalQ = Double.NaN;
            }
            default -> {
                double[] e = new double[d];
                for (int i = 0; i < d; i++) {
                    e[i] = rng.nextDouble() * 1.8 - 0.9;
                }
                e[0] = kind == Kind.NO_FIXED_POINT ? 1.0 : (rng.nextBoolean() ? 1 : -1) * (1.05 + 1.95 * rng.nextDouble());
                double[][] p;
                double[][] pInverse;
                if (symmetric) {
                    p = Dense64.transpose(Dense64.orthogonal(d, rng));
                    pInverse = Dense64.transpose(p);
                } else {
                    p = Dense64.gaussianMatrix(d, d, 0.3 / Math.sqrt(d), rng);
                    for (int i = 0; i < d; i++) {
                        p[i][i] += 1;
                    }
                    Dense64.Lu lu = new Dense64.Lu(p);
                    pInverse = new double[d][];
                    double[][] cols = new double[d][];
                    for (int j = 0; j < d; j++) {
                        double[] ej = new double[d];
                        ej[j] = 1;
                        cols[j] = lu.solve(ej);
                    }
                    pInverse = Dense64.transpose(cols);
                }
                aa = new double[d][d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j < d; j++) {
                        double sum = 0;
                        for (int m = 0; m < d; m++) {
                            sum += p[i][m] * e[m] * pInverse[m][j];
                        }
                        aa[i][j] = sum;
                    }
                }
                if (symmetric) {
                    for (int i = 0; i < d; i++) {
                        for (int j = 0; j < i; j++) {
                            aa[i][j] = aa[j][i];
                        }
                    }
                }
                if (kind == Kind.NO_FIXED_POINT) {
                    // make ℓᵀ(Rλ + c) large, ℓ the left eigenvector of the eigenvalue 1 (row 0 of P⁻¹)
                    double[] l = pInverse[0];
                    double scale = Dense64.norm(Dense64.mul(rr, lambda)) + 1;
                    double ln = Dense64.norm(l);
                    for (int i = 0; i < d; i++) {
                        cc[i] += 2 * scale * l[i] / ln;
                    }
                }
                ss = null;
                nominalQ = Math.abs(e[0]);
            }
        }
        if (dtype == DType.FLOAT32) {
            Dense64.roundToFloat(k);
            Dense64.roundToFloat(y);
            Dense64.roundToFloat(lambda);
            Dense64.roundToFloat(rr);
            Dense64.roundToFloat(cc);
            th = (float) th;
        }
        theta = th;
        double q;
        if (kind == Kind.OPTIMIZATION) {
            double[][] exact = ss;
            ss = new double[d][];
            for (int i = 0; i < d; i++) {
                ss[i] = exact[i].clone();
            }
            if (dtype == DType.FLOAT32) {
                Dense64.roundToFloat(ss);
            }
            // μ I ⪯ H ⪯ L I for the data as stored: the nominal spectrum moved by at most ‖H - H_exact‖_F plus the
            // orthogonality defect of the factors (a few ulps of L per entry)
            double moved = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    moved = Math.hypot(moved, ss[i][j] - exact[i][j]);
                }
            }
            moved += 64.0 * d * Math.ulp(1.0);
            double mu = 1 / kappa - moved;
            if (!(mu > 0)) {
                mu = 1 / kappa / 2; // not reached for the κ ranges used; keeps the bounds valid if it were
            }
            bounds = new CurvatureBounds(mu, 1 + moved);
            tt = bounds.optimalStep();
            q = bounds.contraction(tt);
            aa = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    aa[i][j] = (i == j ? 1 : 0) - tt * ss[i][j];
                }
            }
        } else {
            double[][] exact = aa;
            aa = new double[d][];
            for (int i = 0; i < d; i++) {
                aa[i] = exact[i].clone();
            }
            if (dtype == DType.FLOAT32) {
                Dense64.roundToFloat(aa);
            }
            double moved = 0;
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    moved = Math.hypot(moved, aa[i][j] - exact[i][j]);
                }
            }
            // a proven bound on ‖A‖₂: the nominal norm, moved by the rounding of the entries and of the factors
            q = kind.contraction ? nominalQ + moved + 64.0 * d * Math.ulp(1.0) : nominalQ;
            ss = new double[d][d];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    ss[i][j] = (i == j ? 1 : 0) - aa[i][j];
                }
            }
        }
        s = ss;
        r = rr;
        c = cc;
        t = tt;
        a = aa;
        curvature = bounds;
        declaredQ = switch (knowledge) {
            case KNOWN, ESTIMATED -> q;
            case ESTIMATED_LOW -> Math.min(0.5, q / 2);
            case UNKNOWN -> Double.NaN;
        };
        kNorm = Dense64.frobenius(k);
        jacobianNorm = Dense64.frobenius(a);

        sLu = kind == Kind.NO_FIXED_POINT ? null : new Dense64.Lu(s);
        if (sLu != null) {
            wStar = Dense64.refinedSolve(sLu, this::sTimes, Dense64.add(Dense64.mul(r, lambda), c));
            double[] b = outerGradientInner(wStar);
            double[] u = Dense64.refinedSolve(new Dense64.Lu(Dense64.transpose(s)), this::sTransposedTimes, b);
            gradient = Dense64.add(outerGradientOuter(wStar), Dense64.mulTransposed(r, u));
            double[][] sr = new double[n][];
            for (int j = 0; j < n; j++) {
                sr[j] = sLu.solve(Dense64.column(r, j));
            }
            sensitivity = Dense64.frobenius(sr);
            double[][] inv = new double[d][];
            for (int j = 0; j < d; j++) {
                double[] ej = new double[d];
                ej[j] = 1;
                inv[j] = sLu.solve(ej);
            }
            inverseNorm = Dense64.frobenius(inv);
            radius = 2 * Dense64.norm(wStar) + 1;
        } else {
            wStar = null;
            gradient = null;
            sensitivity = Double.NaN;
            inverseNorm = Double.NaN;
            radius = 1;
        }
        lambdaTensor = B.fromArray(lambda, Shape.of(n), dtype);
        problem = kind == Kind.OPTIMIZATION ? optimizationProblem() : fixedPointProblem();
    }

    /** @return S x, compensated: x - A x (fixed-point form) or H x */
    double[] sTimes(double[] x) {
        if (kind == Kind.OPTIMIZATION) {
            return Dense64.mul(s, x);
        }
        return compensatedIdentityMinus(a, x);
    }

    double[] sTransposedTimes(double[] x) {
        if (kind == Kind.OPTIMIZATION) {
            return Dense64.mul(s, x);
        }
        return compensatedIdentityMinus(Dense64.transpose(a), x);
    }

    private static double[] compensatedIdentityMinus(double[][] m, double[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] row = new double[x.length + 1];
            double[] xs = new double[x.length + 1];
            for (int j = 0; j < x.length; j++) {
                row[j] = -m[i][j];
                xs[j] = x[j];
            }
            row[x.length] = 1;
            xs[x.length] = x[i];
            out[i] = Dense64.dot(row, xs);
        }
        return out;
    }

    /** @return ∇₁E(w, λ) = w - y + Kλ */
    double[] outerGradientInner(double[] w) {
        return Dense64.add(Dense64.sub(w, y), Dense64.mul(k, lambda));
    }

    /** @return ∇₂E(w, λ) = Kᵀw + θλ */
    double[] outerGradientOuter(double[] w) {
        return Dense64.add(Dense64.mulTransposed(k, w), Dense64.scale(lambda, theta));
    }

    /** @return the true ‖w - Φ(w, λ)‖ = ‖T (S w - R λ - c)‖, compensated */
    double innerResidual(double[] w) {
        double[] rhs = Dense64.add(Dense64.mul(r, lambda), c);
        return t * Dense64.norm(Dense64.sub(sTimes(w), rhs));
    }

    /** @return the true ‖(I - ∂₁Φᵀ) v - ∇₁E(w, λ)‖ = ‖T Sᵀ v - ∇₁E‖ */
    double adjointResidual(double[] w, double[] v) {
        return Dense64.norm(Dense64.sub(Dense64.scale(sTransposedTimes(v), t), outerGradientInner(w)));
    }

    /** @return ‖Φ(w, λ)‖-scale of a residual evaluation at w: ‖w‖ + ‖A‖‖w‖ + ‖T(Rλ + c)‖ */
    double innerScale(double[] w) {
        return Dense64.norm(w) * (1 + jacobianNorm) + t * Dense64.norm(Dense64.add(Dense64.mul(r, lambda), c));
    }

    /** @return the Picard iterates' step norms ‖w_i - w_{i-1}‖, i = 1..steps, from w₀, in float64 */
    /** ‖w_t‖ at the end of the last {@link #picardStepNorms} (not thread-safe; one instance per test). */
    double lastPicardNorm;

    double[] picardStepNorms(double[] w0, int steps) {
        double[] w = w0.clone();
        lastPicardNorm = Dense64.norm(w);
        double[] norms = new double[steps];
        double[] offset = Dense64.scale(Dense64.add(Dense64.mul(r, lambda), c), t);
        for (int i = 0; i < steps; i++) {
            double[] next = Dense64.add(Dense64.mul(a, w), offset);
            norms[i] = Dense64.norm(Dense64.sub(next, w));
            w = next;
            lastPicardNorm = Dense64.norm(w);
            if (!Double.isFinite(norms[i])) {
                return java.util.Arrays.copyOf(norms, i + 1);
            }
        }
        return norms;
    }

    /** @return (Aᵀ)^m b, in float64 */
    double[] transposedPower(double[] b, int m) {
        double[][] at = Dense64.transpose(a);
        double[] x = b.clone();
        for (int i = 0; i < m; i++) {
            x = Dense64.plainMul(at, x);
        }
        return x;
    }

    /** @return ‖A^(m) T R‖_F, the forward-mode tangent change after m + 1 steps */
    double forwardChange(int m) {
        double[][] z = new double[d][n];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < n; j++) {
                z[i][j] = t * r[i][j];
            }
        }
        for (int i = 0; i < m; i++) {
            z = Dense64.plainMul(a, z);
        }
        return Dense64.frobenius(z);
    }

    double[] exactAdjoint(double[] w) {
        return Dense64.refinedSolve(new Dense64.Lu(Dense64.transpose(s)), this::sTransposedTimes,
                Dense64.scale(outerGradientInner(w), 1 / t));
    }

    Tensor tensor(double[] v) {
        return B.fromArray(v, Shape.of(v.length), dtype);
    }

    private Tensor matrix(double[][] m) {
        return B.fromArray(Dense64.flatten(m), Shape.of(m.length, m[0].length), dtype);
    }

    private ScalarObjective outerObjective() {
        Tensor yT = tensor(y);
        Tensor kT = matrix(k);
        double th = theta;
        return ScalarObjective.of((w, l) -> w.sub(yT).square().sum().mul(0.5).add(w.dot(kT.matmul(l)))
                .add(l.square().sum().mul(0.5 * th)));
    }

    private ContractionInfo contractionInfo() {
        return switch (knowledge) {
            case KNOWN -> ContractionInfo.known(declaredQ);
            case ESTIMATED, ESTIMATED_LOW -> ContractionInfo.estimated(declaredQ);
            case UNKNOWN -> ContractionInfo.unknown();
        };
    }

    /**
     * The constants of E and Φ at λ: η₁ = 1, η₂ = ‖K‖ ≤ ‖K‖_F, ν₁ = ν₂ = 0 (Φ affine), L_Φ = T‖R‖ ≤ T‖R‖_F and
     * L_E = sup ‖w - y + Kλ‖ ≤ ρ + ‖y - Kλ‖ on the ball ‖w‖ ≤ ρ = 2‖w(λ)‖ + 1, which holds every Picard iterate
     * of a contraction started at 0.
     */
    private Optional<LipschitzConstants> constants(Tensor outer) {
        if (wStar == null) {
            return Optional.empty();
        }
        double[] l = outer.toDoubleArray();
        double le = radius + Dense64.norm(Dense64.sub(y, Dense64.mul(k, l)));
        return Optional.of(new LipschitzConstants(1, kNorm, 0, 0, le, t * Dense64.frobenius(r), radius));
    }

    private BilevelProblem fixedPointProblem() {
        Tensor aT = matrix(a);
        Tensor rT = matrix(r);
        Tensor cT = tensor(c);
        ScalarObjective e = outerObjective();
        ContractionInfo info = contractionInfo();
        FixedPointOperator phi = FixedPointOperator.of(BivariateMap.of((w, l) -> aT.matmul(w).add(rT.matmul(l))
                .add(cT)), l -> info, symmetric);
        Shape inner = Shape.of(d);
        Shape outer = Shape.of(n);
        return new BilevelProblem() {
            @Override
            public ScalarObjective outerObjective() {
                return e;
            }

            @Override
            public FixedPointOperator innerMap() {
                return phi;
            }

            @Override
            public Shape innerShape() {
                return inner;
            }

            @Override
            public Shape outerShape() {
                return outer;
            }

            @Override
            public Tensor initialInner(Tensor l) {
                return B.zeros(inner, dtype);
            }

            @Override
            public Optional<LipschitzConstants> lipschitzConstants(Tensor l) {
                return constants(l);
            }
        };
    }

    private OptimizationBilevelProblem optimizationProblem() {
        Tensor hT = matrix(s);
        Tensor bT = matrix(r);
        ScalarObjective e = outerObjective();
        ScalarObjective g = ScalarObjective.of((w, l) -> w.dot(hT.matmul(w)).mul(0.5).sub(w.dot(bT.matmul(l))));
        CurvatureBounds cb = curvature;
        GradientStepMap map = GradientStepMap.optimal(g, l -> cb);
        Shape inner = Shape.of(d);
        Shape outer = Shape.of(n);
        return new OptimizationBilevelProblem() {
            @Override
            public ScalarObjective innerObjective() {
                return g;
            }

            @Override
            public GradientStepMap innerMap() {
                return map;
            }

            @Override
            public Optional<CurvatureBounds> curvature(Tensor l) {
                return Optional.of(cb);
            }

            @Override
            public ScalarObjective outerObjective() {
                return e;
            }

            @Override
            public Shape innerShape() {
                return inner;
            }

            @Override
            public Shape outerShape() {
                return outer;
            }

            @Override
            public Tensor initialInner(Tensor l) {
                return B.zeros(inner, dtype);
            }

            @Override
            public Optional<LipschitzConstants> lipschitzConstants(Tensor l) {
                return constants(l);
            }
        };
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "instance %d: %s, %s, d=%d, n=%d, kappa=%.3g, q %s %.12g%s",
                seed, kind, dtype, d, n, kappa, knowledge, declaredQ, symmetric ? ", symmetric" : "");
    }
}
