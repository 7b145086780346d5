package org.bilevel4j.testkit.problems;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * The affine contraction: Φ(w, λ) = A w + B λ + c with ‖A‖ = q exactly (A = U diag(σ) Vᵀ,
 * σ_max = q; symmetric when U = V with eigenvalues of both signs), E(w, λ) = ½‖w - w*‖² + (θ/2)‖λ‖².
 * Constants: q exact, ν₁ = ν₂ = 0, η₁ = 1, η₂ = 0, L_Φ = ‖B‖, L_E = 2D + ‖w*‖. Closed forms:
 * w = (I - A)⁻¹(Bλ + c), w' = (I - A)⁻¹B. Since ∂Φ does not depend on w, ITD(t) = AID-FP(t, k = t) exactly.
 */
public final class AffineContraction extends ContractiveMapProblem {
    private final boolean symmetric;
    private final Tensor a;
    private final Tensor b;
    private final Tensor c;

    /**
     * @param backend   backend
     * @param d         inner dimension
     * @param n         outer dimension
     * @param q         contraction constant in [0, 1)
     * @param symmetric symmetric A
     * @param seed      seed
     */
    public AffineContraction(Backend backend, int d, int n, double q, boolean symmetric, long seed) {
        super("affine(d=" + d + ",n=" + n + ",q=" + q + (symmetric ? ",sym" : "") + ")", backend, d, n, q);
        this.symmetric = symmetric;
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] u = DenseMatrices.orthogonal(d, rng);
        double[][] v = symmetric ? u : DenseMatrices.orthogonal(d, rng);
        double[] s = new double[d];
        for (int i = 0; i < d; i++) {
            s[i] = i == 0 ? q : q * rng.nextDouble();
            if (symmetric && rng.nextBoolean() && i > 0) {
                s[i] = -s[i];
            }
        }
        this.a = matrix(backend, DenseMatrices.compose(u, s, v));
        this.b = DenseMatrices.gaussian(backend, d, n, rng);
        this.c = DenseMatrices.gaussian(backend, d, rng);
        Tensor target = DenseMatrices.gaussian(backend, d, rng);
        Tensor aa = a;
        Tensor bb = b;
        Tensor cc = c;
        defineFixedPoint((w, l) -> aa.matmul(w).add(bb.matmul(l)).add(cc), b, target, symmetric);
    }

    /** @return A */
    public Tensor matrixA() {
        return a;
    }

    @Override
    protected Tensor solveInner(Tensor outerValue) {
        return backend.identity(d).sub(a).solve(b.matmul(outerValue).add(c));
    }

    @Override
    public Tensor exactInnerJacobian(Tensor outerValue) {
        return backend.identity(d).sub(a).solve(b);
    }

    /** @return ν₁ = ν₂ = 0: Φ is affine */
    @Override
    protected double[] curvatureConstants() {
        return new double[] {0, 0};
    }

    /** @return whether A is symmetric */
    public boolean symmetric() {
        return symmetric;
    }
}
