package org.bilevel4j.testkit.problems;

import java.util.Optional;
import java.util.SplittableRandom;
import org.bilevel4j.api.map.CurvatureBounds;
import org.bilevel4j.api.map.ScalarObjective;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * Ridge regression with one penalty per coordinate: g(w, λ) = ½‖Xw - y‖² + ½Σ_j λ_j w_j²,
 * E(w, λ) = ½‖X'w - y'‖², λ ∈ [λ_lo, λ_hi]^p. The gradient step has the fixed
 * α = 2/(μ_box + L_box) (or a fraction s ∈ (0, 1] of it), valid on the whole box; q_λ = ‖I - αH(λ)‖ with H = XᵀX + diag(λ).
 * Constants: ν₁ = 0, ν₂ = α, L_Φ = 2αD, η₁ = ‖X'‖², η₂ = 0, L_E = 2D‖X'‖² + ‖X'ᵀy'‖.
 * ∂₂Φ = -α diag(w) depends on w, so ITD and AID-FP differ; ITD at t = 1 is exactly 0.
 */
public final class PerCoordinateRidge extends PerCoordinatePenaltyProblem {
    private final Tensor x;
    private final Tensor y;
    private final Tensor xv;
    private final Tensor yv;
    private final double[][] gram;
    private final double alpha;
    private final double normXv;
    private final double normXvTyv;

    /**
     * @param backend backend
     * @param samples rows of X and X'
     * @param p       features (= dimension of w and λ)
     * @param low     λ_lo &gt; 0
     * @param high    λ_hi
     * @param seed    seed
     */
    public PerCoordinateRidge(Backend backend, int samples, int p, double low, double high, long seed) {
        this(backend, samples, p, low, high, 1, seed);
    }

    /**
     * The problem with the gradient step α = s · 2/(μ_box + L_box), a fraction s of the step that is optimal on
     * the whole box; any s ∈ (0, 1] keeps the gradient map a contraction on the box.
     *
     * @param backend   backend
     * @param samples   rows of X and X'
     * @param p         features (= dimension of w and λ)
     * @param low       λ_lo &gt; 0
     * @param high      λ_hi
     * @param stepScale s ∈ (0, 1]
     * @param seed      seed
     */
    public PerCoordinateRidge(Backend backend, int samples, int p, double low, double high, double stepScale,
            long seed) {
        super("ridge", backend, samples, p, low, high);
        if (!(stepScale > 0 && stepScale <= 1)) {
            throw new IllegalArgumentException("stepScale: expected in (0, 1], got " + stepScale);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        this.x = DenseMatrices.gaussian(backend, samples, p, rng);
        this.y = DenseMatrices.gaussian(backend, samples, rng);
        this.xv = DenseMatrices.gaussian(backend, samples, p, rng);
        this.yv = DenseMatrices.gaussian(backend, samples, rng);
        this.gram = DenseMatrices.gram(DenseMatrices.toArray(x));
        double[] e = DenseMatrices.symmetricEigenvalues(gram);
        this.alpha = stepScale * 2 / (e[0] + low + e[e.length - 1] + high);
        this.normXv = DenseMatrices.spectralNorm(xv);
        this.normXvTyv = xv.matmul(yv, true, false).normValue();
        Tensor xx = x;
        Tensor yy = y;
        ScalarObjective inner = ScalarObjective.of((w, l) -> halfSquaredResidual(xx, yy, w)
                .add(l.mul(w.square()).sum().mul(0.5)));
        Tensor xxv = xv;
        Tensor yyv = yv;
        ScalarObjective outer = ScalarObjective.of((w, l) -> halfSquaredResidual(xxv, yyv, w));
        define(BilevelProblem.optimization(outer, inner, Shape.of(p), Shape.of(p), alpha, this::curvatureOf));
    }

    private CurvatureBounds curvatureOf(Tensor lambda) {
        double[] e = DenseMatrices.symmetricEigenvalues(hessian(lambda));
        return new CurvatureBounds(e[0], e[e.length - 1]);
    }

    private double[][] hessian(Tensor lambda) {
        double[] l = lambda.toDoubleArray();
        double[][] h = new double[p][];
        for (int i = 0; i < p; i++) {
            h[i] = gram[i].clone();
            h[i][i] += l[i];
        }
        return h;
    }

    /** @return the fixed step α */
    public double step() {
        return alpha;
    }

    @Override
    protected Tensor solveInner(Tensor lambda) {
        return matrix(backend, hessian(lambda)).solve(x.matmul(y, true, false));
    }

    @Override
    public Tensor exactInnerJacobian(Tensor lambda) {
        Tensor w = exactInner(lambda);
        // w' = -H^-1 diag(w)
        return matrix(backend, hessian(lambda)).solve(diag(w)).neg();
    }

    private Tensor diag(Tensor v) {
        return backend.identity(p).mul(v.reshape(1, p));
    }

    @Override
    public double contraction(Tensor lambda) {
        return innerMap().contraction(lambda).constant();
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor lambda) {
        double radius = radius(lambda);
        return Optional.of(new LipschitzConstants(normXv * normXv, 0, 0, alpha,
                2 * radius * normXv * normXv + normXvTyv, 2 * alpha * radius));
    }
}
