package org.bilevel4j.testkit.problems;

import java.util.SplittableRandom;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * A tanh equilibrium map (non-symmetric, nonlinear; like the equilibrium model of Grazzi et al., ICML 2020): Φ(w, λ) =
 * tanh(Aw + Bλ + c) with ‖A‖ = q, B Gaussian/√n, E = ½‖w - w*‖² + (θ/2)‖λ‖². With
 * c_s = max|tanh''| = 4/(3√3): ν₁ = c_s q², ν₂ = c_s q‖B‖, L_Φ = ‖B‖, η₁ = 1, η₂ = 0,
 * L_E = 2D + ‖w*‖. The fixed point is computed by Picard iteration to rounding; at it
 * ∂₁Φ = diag(1 - w²)A and ∂₂Φ = diag(1 - w²)B.
 */
public final class TanhEquilibrium extends ContractiveMapProblem {
    static final double CURVATURE = 4 / (3 * Math.sqrt(3));

    private final Tensor a;
    private final Tensor b;

    /**
     * @param backend backend
     * @param d       inner dimension
     * @param n       outer dimension
     * @param q       ‖A‖ in [0, 1)
     * @param seed    seed
     */
    public TanhEquilibrium(Backend backend, int d, int n, double q, long seed) {
        super("tanh(d=" + d + ",n=" + n + ",q=" + q + ")", backend, d, n, q);
        SplittableRandom rng = new SplittableRandom(seed);
        double[] s = new double[d];
        for (int i = 0; i < d; i++) {
            s[i] = i == 0 ? q : q * rng.nextDouble();
        }
        this.a = matrix(backend, DenseMatrices.compose(DenseMatrices.orthogonal(d, rng), s,
                DenseMatrices.orthogonal(d, rng)));
        this.b = DenseMatrices.gaussian(backend, d, n, rng).div(Math.sqrt(n));
        Tensor c = DenseMatrices.gaussian(backend, d, rng).mul(0.5);
        Tensor target = DenseMatrices.gaussian(backend, d, rng).mul(0.5);
        Tensor aa = a;
        Tensor bb = b;
        defineFixedPoint((w, l) -> aa.matmul(w).add(bb.matmul(l)).add(c).tanh(), b, target, false);
    }

    @Override
    protected Tensor solveInner(Tensor lambda) {
        // Picard iteration until the step stops shrinking (it settles at rounding level)
        Tensor w = backend.zeros(d);
        double previousStep = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 100_000; i++) {
            Tensor next = innerMap().apply(w, lambda);
            double step = next.sub(w).normValue();
            w = next;
            if (step == 0 || step >= previousStep && step <= 1e-14 * Math.max(1, w.normValue())) {
                break;
            }
            previousStep = step;
        }
        return w;
    }

    @Override
    public Tensor exactInnerJacobian(Tensor lambda) {
        Tensor w = exactInner(lambda);
        Tensor slope = w.square().neg().add(1).reshape(d, 1);
        Tensor j1 = a.mul(slope);
        Tensor j2 = b.mul(slope);
        return backend.identity(d).sub(j1).solve(j2);
    }

    /** @return ν₁ = c_s q² and ν₂ = c_s q‖B‖ with c_s = max|tanh''| */
    @Override
    protected double[] curvatureConstants() {
        return new double[] {CURVATURE * q * q, CURVATURE * q * normB()};
    }
}
