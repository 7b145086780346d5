package org.bilevel4j.testkit.problems;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.LinearModelLoss;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * ℓ₂-regularised logistic regression with one penalty per feature (non-quadratic, ν₁ ≠ 0):
 * g(w, λ) = Σ_e ψ(y_e x_e·w) + ½wᵀdiag(λ)w, E = Σ_val ψ(y'_e x'_e·w), ψ(z) = log(1 + e^-z),
 * λ ∈ [λ_lo, λ_hi]^p. Fixed α = 2/(μ_box + L_box) (or a fraction s ∈ (0, 1] of it) with μ_box = λ_lo and
 * L_box = ‖X‖²/4 + λ_hi, so q = 1 - αμ_box bounds ‖∂₁Φ(w)‖ everywhere. With ψ'' ≤ 1/4 and
 * |ψ'''| ≤ 1/(6√3): ν₁ = α/(6√3) Σ_e ‖x_e‖³, ν₂ = α, L_Φ = 2αD, η₁ = ‖X'‖²/4,
 * η₂ = 0, L_E = Σ_e ‖x'_e‖. The exact w is found by Newton's method.
 */
public final class L2LogisticRegression extends PerCoordinatePenaltyProblem {
    private final Tensor xy;
    private final Tensor xyv;
    private final CurvatureBounds box;
    private final double alpha;
    private final double q;
    private final double nu1;
    private final double eta1;
    private final double boundE;

    /**
     * @param backend backend
     * @param samples rows of X and X'
     * @param p       features
     * @param low     λ_lo &gt; 0
     * @param high    λ_hi
     * @param seed    seed
     */
    public L2LogisticRegression(Backend backend, int samples, int p, double low, double high, long seed) {
        this(backend, samples, p, low, high, 1, seed);
    }

    /**
     * The problem with the gradient step α = s · 2/(μ_box + L_box); for s ∈ (0, 1], α ≤ 2/(μ_box + L_box) and
     * q = 1 - αμ_box still bounds ‖∂₁Φ(w)‖ everywhere.
     *
     * @param backend   backend
     * @param samples   rows of X and X'
     * @param p         features
     * @param low       λ_lo &gt; 0
     * @param high      λ_hi
     * @param stepScale s ∈ (0, 1]
     * @param seed      seed
     */
    public L2LogisticRegression(Backend backend, int samples, int p, double low, double high, double stepScale,
            long seed) {
        super("logistic", backend, samples, p, low, high);
        if (!(stepScale > 0 && stepScale <= 1)) {
            throw new IllegalArgumentException("stepScale: expected in (0, 1], got " + stepScale);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor wStar = DenseMatrices.gaussian(backend, p, rng);
        Tensor x = DenseMatrices.gaussian(backend, samples, p, rng);
        Tensor y = x.matmul(wStar).add(DenseMatrices.gaussian(backend, samples, rng).mul(0.1)).sign();
        Tensor xv = DenseMatrices.gaussian(backend, samples, p, rng);
        Tensor yv = xv.matmul(wStar).add(DenseMatrices.gaussian(backend, samples, rng).mul(0.1)).sign();
        this.xy = x.mul(y.reshape(samples, 1)); // rows y_e x_e
        this.xyv = xv.mul(yv.reshape(samples, 1));
        double normX = DenseMatrices.spectralNorm(x);
        this.box = new CurvatureBounds(low, normX * normX / 4 + high);
        this.alpha = stepScale * box.optimalStep();
        this.q = 1 - alpha * low;
        double[] rowNorms = x.square().sum(1).sqrt().toDoubleArray();
        double cubes = 0;
        for (double r : rowNorms) {
            cubes += r * r * r;
        }
        this.nu1 = alpha / (6 * Math.sqrt(3)) * cubes;
        double normXv = DenseMatrices.spectralNorm(xv);
        this.eta1 = normXv * normXv / 4;
        this.boundE = xv.square().sum(1).sqrt().sum().item();
        // Σ log(1 + exp(−y_e x_e·w)), fused: one pass over X per gradient and per Hessian-vector product
        Tensor minusY = y.neg();
        Tensor minusYv = yv.neg();
        ScalarObjective inner = ScalarObjective.of((w, l) -> x.linearModelLoss(LinearModelLoss.LOGISTIC, w, minusY)
                .add(l.mul(w.square()).sum().mul(0.5)));
        ScalarObjective outer = ScalarObjective.of((w, l) -> xv.linearModelLoss(LinearModelLoss.LOGISTIC, w,
                minusYv));
        define(BilevelProblem.optimization(outer, inner, Shape.of(p), Shape.of(p), alpha, l -> box));
    }

    /** @return the Hessian of g at w: Aᵀ diag(σ(1 - σ)) A + diag(λ), with A the rows y_e x_e */
    private Tensor hessian(Tensor w, Tensor lambda) {
        Tensor s = xy.matmul(w).sigmoid();
        Tensor weights = s.mul(s.neg().add(1)).reshape(xy.dim(0), 1);
        return xy.mul(weights).matmul(xy, true, false).add(backend.identity(p).mul(lambda.reshape(1, p)));
    }

    @Override
    protected Tensor solveInner(Tensor lambda) {
        Tensor w = backend.zeros(p);
        for (int i = 0; i < 100; i++) {
            Tensor g = innerObjective().gradient(w, lambda).inner();
            Tensor step = hessian(w, lambda).solve(g);
            w = w.sub(step);
            if (step.normValue() <= 1e-15 * Math.max(1, w.normValue())) {
                break;
            }
        }
        return w;
    }

    @Override
    public Tensor exactInnerJacobian(Tensor lambda) {
        Tensor w = exactInner(lambda);
        return hessian(w, lambda).solve(backend.identity(p).mul(w.reshape(1, p))).neg();
    }

    @Override
    public double contraction(Tensor lambda) {
        return q;
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor lambda) {
        double radius = radius(lambda);
        return Optional.of(new LipschitzConstants(eta1, 0, nu1, alpha, boundE, 2 * alpha * radius));
    }
}
