package org.bilevel4j.testkit.problems;

import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import org.bilevel4j.api.map.BivariateMap;
import org.bilevel4j.api.map.ContractionInfo;
import org.bilevel4j.api.map.FixedPointOperator;
import org.bilevel4j.api.problem.BilevelProblem;
import org.bilevel4j.api.problem.LipschitzConstants;
import org.bilevel4j.api.tensor.Backend;
import org.bilevel4j.api.tensor.Tensor;
import org.bilevel4j.api.tensor.types.Shape;
import org.bilevel4j.testkit.linalg.DenseMatrices;

/**
 * A fixed-point test problem Φ(w, λ) = σ(A w + B λ + c) with ‖A‖ = q, σ the identity or tanh, and the outer
 * objective E(w, λ) = ½‖w - w*‖² + (θ/2)‖λ‖², θ = 0.1; λ is standard normal. Its constants: q_λ = q,
 * η₁ = 1, η₂ = 0, L_E = 2D + ‖w*‖, L_Φ = ‖B‖, and ν₁, ν₂ from the curvature of σ.
 */
abstract class ContractiveMapProblem extends TestProblem {
    /** θ, the weight of the outer regularisation. */
    static final double THETA = 0.1;

    /** Dimension of w. */
    protected final int d;
    /** Dimension of λ. */
    protected final int n;
    /** ‖A‖, the contraction constant. */
    protected final double q;
    private Tensor target;
    private double normB;

    /**
     * @param name    the problem's description
     * @param backend backend
     * @param d       inner dimension
     * @param n       outer dimension
     * @param q       ‖A‖ in [0, 1)
     */
    ContractiveMapProblem(String name, Backend backend, int d, int n, double q) {
        super(name, backend);
        if (!(q >= 0 && q < 1)) {
            throw new IllegalArgumentException("q: expected a value in [0, 1), got " + q);
        }
        this.d = d;
        this.n = n;
        this.q = q;
    }

    /**
     * Defines the problem; called once, at the end of the subclass constructor.
     *
     * @param phi       Φ(w, λ)
     * @param b         B, whose spectral norm is L_Φ
     * @param target    w*
     * @param symmetric whether ∂₁Φ is symmetric
     */
    protected void defineFixedPoint(BinaryOperator<Tensor> phi, Tensor b, Tensor target, boolean symmetric) {
        this.target = target;
        this.normB = DenseMatrices.spectralNorm(b);
        FixedPointOperator map = FixedPointOperator.of(BivariateMap.of(phi), l -> ContractionInfo.known(q), symmetric);
        define(BilevelProblem.fixedPoint(tracking(target, THETA), map, Shape.of(d), Shape.of(n)));
    }

    /** @return ‖B‖ */
    protected double normB() {
        return normB;
    }

    /**
     * @return {ν₁, ν₂}, the Lipschitz constants of ∂₁Φ and ∂₂Φ in w
     */
    protected abstract double[] curvatureConstants();

    @Override
    public double contraction(Tensor outer) {
        return q;
    }

    @Override
    public Optional<LipschitzConstants> lipschitzConstants(Tensor outer) {
        double[] nu = curvatureConstants();
        return Optional.of(new LipschitzConstants(1, 0, nu[0], nu[1], 2 * radius(outer) + target.normValue(), normB));
    }

    @Override
    public Tensor sampleOuter(SplittableRandom rng) {
        return DenseMatrices.gaussian(backend, n, rng);
    }
}
